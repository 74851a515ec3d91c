// Package cmstest builds throwaway certificate hierarchies (root →
// intermediate → leaf) for tests of CMS and PDF signatures. It is not for
// production: keys are generated in memory and never protected.
package cmstest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
)

// PKI is a three-level hierarchy whose leaf signs documents.
type PKI struct {
	Alg          string
	Root         *smx509.Certificate
	Intermediate *smx509.Certificate
	Leaf         *smx509.Certificate
	LeafKey      crypto.Signer

	intermediateKey crypto.Signer
	now             time.Time
	serial          int64
}

// GenerateKey returns a new key: "sm2", "p256" or "rsa" (2048 bits).
func GenerateKey(alg string) (crypto.Signer, error) {
	switch alg {
	case "sm2":
		return sm2.GenerateKey(rand.Reader)
	case "p256":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "rsa":
		return rsa.GenerateKey(rand.Reader, 2048)
	}
	return nil, fmt.Errorf("cmstest: unknown algorithm %q", alg)
}

// New creates a hierarchy of alg keys valid around now.
func New(alg string, now time.Time) (*PKI, error) {
	p := &PKI{Alg: alg, now: now, serial: 1000}
	rootKey, err := GenerateKey(alg)
	if err != nil {
		return nil, err
	}
	root, err := p.create(&x509.Certificate{
		Subject:               pkix.Name{Country: []string{"CN"}, Organization: []string{"sihub test"}, CommonName: "sihub test root " + alg},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, nil, rootKey.Public(), rootKey)
	if err != nil {
		return nil, err
	}
	interKey, err := GenerateKey(alg)
	if err != nil {
		return nil, err
	}
	inter, err := p.create(&x509.Certificate{
		Subject:               pkix.Name{Country: []string{"CN"}, Organization: []string{"sihub test"}, CommonName: "sihub test seal CA " + alg},
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, root, interKey.Public(), rootKey)
	if err != nil {
		return nil, err
	}
	p.Root, p.Intermediate, p.intermediateKey = root, inter, interKey
	leafKey, err := GenerateKey(alg)
	if err != nil {
		return nil, err
	}
	leaf, err := p.NewLeaf("sihub test seal "+alg, leafKey)
	if err != nil {
		return nil, err
	}
	p.Leaf, p.LeafKey = leaf, leafKey
	return p, nil
}

// NewLeaf issues another document-signing certificate from the
// intermediate for key.
func (p *PKI) NewLeaf(name string, key crypto.Signer) (*smx509.Certificate, error) {
	return p.create(&x509.Certificate{
		Subject:  pkix.Name{Country: []string{"CN"}, Organization: []string{"sihub test"}, CommonName: name},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}, p.Intermediate, key.Public(), p.intermediateKey)
}

// Chain is what a signer embeds besides its own certificate.
func (p *PKI) Chain() []*smx509.Certificate { return []*smx509.Certificate{p.Intermediate} }

func (p *PKI) create(tmpl *x509.Certificate, parent *smx509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (*smx509.Certificate, error) {
	p.serial++
	tmpl.SerialNumber = big.NewInt(p.serial)
	tmpl.NotBefore = p.now.Add(-time.Hour)
	tmpl.NotAfter = p.now.Add(365 * 24 * time.Hour)
	par := tmpl
	if parent != nil {
		par = parent.ToX509()
	}
	der, err := smx509.CreateCertificate(rand.Reader, tmpl, par, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("cmstest: creating %q: %w", tmpl.Subject.CommonName, err)
	}
	return smx509.ParseCertificate(der)
}

var (
	sharedMu sync.Mutex
	shared   = map[string]*PKI{}
)

// Shared returns one hierarchy per algorithm and clock for the whole test
// binary: key generation is the slow part of many small tests.
func Shared(alg string, now time.Time) (*PKI, error) {
	key := alg + "@" + now.UTC().Format(time.RFC3339Nano)
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if p, ok := shared[key]; ok {
		return p, nil
	}
	p, err := New(alg, now)
	if err != nil {
		return nil, err
	}
	shared[key] = p
	return p, nil
}
