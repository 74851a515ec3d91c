package storetest

import (
	"bytes"
	"testing"
	"time"

	"sihub/model"
	"sihub/store"
)

func testSeals(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	mk := func(id, alg string) model.Seal {
		return model.Seal{
			ID: id, Name: "业务专用章", Agency: "北京市朝阳区社会保险事业管理中心", Alg: alg,
			KeyID: "key-" + id, CertSerial: "0a" + id, Status: "active",
			ValidFrom: at(0), ValidUntil: at(3 * 365 * 24 * time.Hour), CreatedAt: at(time.Minute),
		}
	}
	seals, err := s.ListSeals(c)
	must(t, "ListSeals on an empty store", err)
	if len(seals) != 0 {
		t.Errorf("ListSeals on an empty store = %+v", seals)
	}
	_, err = s.Seal(c, "s1")
	wantNotFound(t, "Seal of a missing id", err)
	b, a := mk("s2", "p256"), mk("s1", "sm2")
	// The SESeal is binary DER (every byte value, a NUL among them); b has none.
	for i := range 300 {
		a.SESeal = append(a.SESeal, byte(i))
	}
	must(t, "PutSeal", s.PutSeal(c, b))
	must(t, "PutSeal", s.PutSeal(c, a))
	got, err := s.Seal(c, a.ID)
	must(t, "Seal", err)
	wantSame(t, "Seal after PutSeal", got, a)
	if !bytes.Equal(got.SESeal, a.SESeal) {
		t.Errorf("Seal after PutSeal: SESeal of %d bytes, want %d", len(got.SESeal), len(a.SESeal))
	}
	a.Status = "revoked"
	must(t, "PutSeal (replace)", s.PutSeal(c, a))
	seals, err = s.ListSeals(c)
	must(t, "ListSeals", err)
	wantSame(t, "ListSeals ordered by id, with the replaced seal", seals, []model.Seal{a, b})
}

func testCertificates(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	revoked := at(48 * time.Hour)
	mk := func(serial, role string, nb time.Duration) model.Certificate {
		return model.Certificate{
			Serial: serial, Alg: "sm2", Role: role, Subject: "CN=" + serial,
			IssuerSerial: "01", KeyID: "key-" + serial,
			DER:       []byte{0x30, 0x82, 0x01, 0x00, byte(len(serial)), 0xff},
			NotBefore: at(nb), NotAfter: at(nb + 365*24*time.Hour), Status: "good",
		}
	}
	root := mk("01", model.RoleRoot, -time.Hour)
	root.IssuerSerial = ""
	issuing := mk("02", model.RoleIssuing, 0)
	sealB := mk("0b", model.RoleSeal, 2*time.Hour)
	sealA := mk("0a", model.RoleSeal, time.Hour)
	sealC := mk("0c", model.RoleSeal, 2*time.Hour) // same NotBefore as sealB
	for _, cert := range []model.Certificate{sealC, sealB, issuing, root, sealA} {
		must(t, "PutCertificate", s.PutCertificate(c, cert))
	}
	_, err := s.Certificate(c, "ff")
	wantNotFound(t, "Certificate of a missing serial", err)
	got, err := s.Certificate(c, root.Serial)
	must(t, "Certificate", err)
	wantSame(t, "Certificate after PutCertificate", got, root)

	sealA.Status, sealA.RevokedAt = "revoked", &revoked
	must(t, "PutCertificate (replace)", s.PutCertificate(c, sealA))
	got, err = s.Certificate(c, sealA.Serial)
	must(t, "Certificate", err)
	wantSame(t, "Certificate after revoking", got, sealA)

	list, err := s.ListCertificates(c, model.RoleSeal)
	must(t, "ListCertificates(seal)", err)
	wantSame(t, "ListCertificates(seal), oldest first", list, []model.Certificate{sealA, sealB, sealC})
	list, err = s.ListCertificates(c, "")
	must(t, "ListCertificates(all)", err)
	wantSame(t, "ListCertificates(\"\"), oldest first", list, []model.Certificate{root, issuing, sealA, sealB, sealC})
	list, err = s.ListCertificates(c, "tsa")
	must(t, "ListCertificates(tsa)", err)
	if len(list) != 0 {
		t.Errorf("ListCertificates of a role without certificates = %+v", list)
	}
}

func testKeys(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	mk := func(id string, fill byte) model.KeyBlob {
		return model.KeyBlob{ID: id, Alg: "sm2", Label: "seal " + id,
			Wrapped: bytes.Repeat([]byte{fill, 0x00, 0xff}, 40), CreatedAt: at(time.Second)}
	}
	_, err := s.Key(c, "k1")
	wantNotFound(t, "Key of a missing id", err)
	k2, k1 := mk("k2", 2), mk("k1", 1)
	must(t, "PutKey", s.PutKey(c, k2))
	must(t, "PutKey", s.PutKey(c, k1))
	got, err := s.Key(c, k1.ID)
	must(t, "Key", err)
	wantSame(t, "Key after PutKey", got, k1)

	err = s.PutKey(c, mk("k1", 9))
	wantConflict(t, "PutKey on an existing id", err)
	got, err = s.Key(c, k1.ID)
	must(t, "Key", err)
	wantSame(t, "Key after a refused PutKey (never replaced)", got, k1)

	keys, err := s.ListKeys(c)
	must(t, "ListKeys", err)
	wantSame(t, "ListKeys ordered by id", keys, []model.KeyBlob{k1, k2})

	must(t, "DeleteKey", s.DeleteKey(c, k1.ID))
	_, err = s.Key(c, k1.ID)
	wantNotFound(t, "Key after DeleteKey", err)
	wantNotFound(t, "DeleteKey of a deleted id", s.DeleteKey(c, k1.ID))
	keys, err = s.ListKeys(c)
	must(t, "ListKeys", err)
	wantSame(t, "ListKeys after DeleteKey", keys, []model.KeyBlob{k2})
}

func testAccounts(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	a := model.Account{
		Login: "110105199003071239", Role: model.AccountCitizen, DisplayName: "张三",
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHQ$aGFzaGhhc2g",
		PersonID:     "110105199003071239", CreatedAt: at(time.Hour),
	}
	_, err := s.Account(c, a.Login)
	wantNotFound(t, "Account of a missing login", err)
	must(t, "PutAccount", s.PutAccount(c, a))
	got, err := s.Account(c, a.Login)
	must(t, "Account", err)
	wantSame(t, "Account after PutAccount (password hash included)", got, a)
	a.Disabled, a.PasswordHash = true, "$argon2id$v=19$m=65536,t=3,p=2$bmV3c2FsdA$bmV3aGFzaA"
	must(t, "PutAccount (replace)", s.PutAccount(c, a))
	got, err = s.Account(c, a.Login)
	must(t, "Account", err)
	wantSame(t, "Account after replacing", got, a)
}

func testAPIKeys(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	k := model.APIKey{ID: "bank-1", Institution: "某某银行", SecretHash: "sha256:9f86d081884c7d65",
		Scopes: []string{"verify", "download"}, CreatedAt: at(time.Hour)}
	_, err := s.APIKey(c, k.ID)
	wantNotFound(t, "APIKey of a missing id", err)
	must(t, "PutAPIKey", s.PutAPIKey(c, k))
	got, err := s.APIKey(c, k.ID)
	must(t, "APIKey", err)
	wantSame(t, "APIKey after PutAPIKey (secret hash included)", got, k)
	k.Scopes = []string{"verify"}
	must(t, "PutAPIKey (replace)", s.PutAPIKey(c, k))
	got, err = s.APIKey(c, k.ID)
	must(t, "APIKey", err)
	wantSame(t, "APIKey after replacing", got, k)
}
