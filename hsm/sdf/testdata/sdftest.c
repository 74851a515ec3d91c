/*
 * A small GM/T 0018 (SDF) device for sihub's tests: internal SM2 signing
 * keys are PEM files, signing is OpenSSL 3's SM2 over the 32-byte e the
 * caller passes. Built by the tests with
 *   gcc -shared -fPIC -DECCREF_LEN=64 -o libsdftest.so sdftest.c -lcrypto
 *
 * Environment:
 *   SDFTEST_KEYDIR     key index i is $SDFTEST_KEYDIR/sign<i>.pem
 *   SDFTEST_PASSWORD   the access password of every key
 *   SDFTEST_FAILFILE   while this file exists the device is "dead": every
 *                      call fails with SDR_HARDFAIL (SDR_OPENDEVICE to open)
 *   SDFTEST_HANGFILE   while this file exists, SDF_InternalSign_ECC waits
 *   SDFTEST_BADSIGFILE while this file exists, signatures are corrupted
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ec.h>
#include <openssl/core_names.h>
#include <openssl/bn.h>
#include <openssl/rand.h>

#ifndef ECCREF_LEN
#define ECCREF_LEN 64
#endif
#define MAX_KEYS 16

typedef struct {
	unsigned int bits;
	unsigned char x[ECCREF_LEN];
	unsigned char y[ECCREF_LEN];
} ECCrefPublicKey;

typedef struct {
	unsigned char r[ECCREF_LEN];
	unsigned char s[ECCREF_LEN];
} ECCSignature;

#define SDR_OK 0x0
#define SDR_BASE 0x01000000
#define SDR_UNKNOWERR (SDR_BASE + 0x01)
#define SDR_HARDFAIL (SDR_BASE + 0x04)
#define SDR_OPENDEVICE (SDR_BASE + 0x05)
#define SDR_PARDENY (SDR_BASE + 0x07)
#define SDR_KEYNOTEXIST (SDR_BASE + 0x08)
#define SDR_SIGNERR (SDR_BASE + 0x0D)
#define SDR_RANDERR (SDR_BASE + 0x17)
#define SDR_INARGERR (SDR_BASE + 0x1D)

struct device { int open; };
struct session {
	struct device *dev;
	EVP_PKEY *granted[MAX_KEYS]; /* keys unlocked in this session */
};

static int flag(const char *env) {
	const char *p = getenv(env);
	return p && *p && access(p, F_OK) == 0;
}

static EVP_PKEY *load_key(unsigned int idx) {
	char path[4096];
	const char *dir = getenv("SDFTEST_KEYDIR");
	if (!dir || idx >= MAX_KEYS)
		return NULL;
	snprintf(path, sizeof path, "%s/sign%u.pem", dir, idx);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	return k;
}

int SDF_OpenDevice(void **phDeviceHandle) {
	if (!phDeviceHandle)
		return SDR_INARGERR;
	if (flag("SDFTEST_FAILFILE"))
		return SDR_OPENDEVICE;
	struct device *d = calloc(1, sizeof *d);
	if (!d)
		return SDR_UNKNOWERR;
	d->open = 1;
	*phDeviceHandle = d;
	return SDR_OK;
}

int SDF_CloseDevice(void *hDeviceHandle) {
	free(hDeviceHandle);
	return SDR_OK;
}

int SDF_OpenSession(void *hDeviceHandle, void **phSessionHandle) {
	if (!hDeviceHandle || !phSessionHandle)
		return SDR_INARGERR;
	if (flag("SDFTEST_FAILFILE"))
		return SDR_HARDFAIL;
	struct session *s = calloc(1, sizeof *s);
	if (!s)
		return SDR_UNKNOWERR;
	s->dev = hDeviceHandle;
	*phSessionHandle = s;
	return SDR_OK;
}

int SDF_CloseSession(void *hSessionHandle) {
	struct session *s = hSessionHandle;
	if (!s)
		return SDR_INARGERR;
	for (int i = 0; i < MAX_KEYS; i++)
		EVP_PKEY_free(s->granted[i]);
	free(s);
	return SDR_OK;
}

int SDF_GenerateRandom(void *hSessionHandle, unsigned int uiLength, unsigned char *pucRandom) {
	if (!hSessionHandle || !pucRandom)
		return SDR_INARGERR;
	if (flag("SDFTEST_FAILFILE"))
		return SDR_HARDFAIL;
	return RAND_bytes(pucRandom, (int)uiLength) == 1 ? SDR_OK : SDR_RANDERR;
}

int SDF_GetPrivateKeyAccessRight(void *hSessionHandle, unsigned int uiKeyIndex, unsigned char *pucPassword, unsigned int uiPwdLength) {
	struct session *s = hSessionHandle;
	if (!s || (!pucPassword && uiPwdLength))
		return SDR_INARGERR;
	if (flag("SDFTEST_FAILFILE"))
		return SDR_HARDFAIL;
	EVP_PKEY *k = load_key(uiKeyIndex);
	if (!k)
		return SDR_KEYNOTEXIST;
	const char *want = getenv("SDFTEST_PASSWORD");
	if (!want || strlen(want) != uiPwdLength || memcmp(want, pucPassword, uiPwdLength) != 0) {
		EVP_PKEY_free(k);
		return SDR_PARDENY;
	}
	EVP_PKEY_free(s->granted[uiKeyIndex]);
	s->granted[uiKeyIndex] = k;
	return SDR_OK;
}

int SDF_ReleasePrivateKeyAccessRight(void *hSessionHandle, unsigned int uiKeyIndex) {
	struct session *s = hSessionHandle;
	if (!s || uiKeyIndex >= MAX_KEYS)
		return SDR_INARGERR;
	EVP_PKEY_free(s->granted[uiKeyIndex]);
	s->granted[uiKeyIndex] = NULL;
	return SDR_OK;
}

int SDF_ExportSignPublicKey_ECC(void *hSessionHandle, unsigned int uiKeyIndex, ECCrefPublicKey *pucPublicKey) {
	if (!hSessionHandle || !pucPublicKey)
		return SDR_INARGERR;
	if (flag("SDFTEST_FAILFILE"))
		return SDR_HARDFAIL;
	EVP_PKEY *k = load_key(uiKeyIndex);
	if (!k)
		return SDR_KEYNOTEXIST;
	BIGNUM *x = NULL, *y = NULL;
	int rc = SDR_UNKNOWERR;
	if (EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
	    EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1) {
		memset(pucPublicKey, 0, sizeof *pucPublicKey);
		pucPublicKey->bits = 256;
		BN_bn2binpad(x, pucPublicKey->x, ECCREF_LEN);
		BN_bn2binpad(y, pucPublicKey->y, ECCREF_LEN);
		rc = SDR_OK;
	}
	BN_free(x);
	BN_free(y);
	EVP_PKEY_free(k);
	return rc;
}

int SDF_InternalSign_ECC(void *hSessionHandle, unsigned int uiISKIndex, unsigned char *pucData, unsigned int uiDataLength, ECCSignature *pucSignature) {
	struct session *s = hSessionHandle;
	if (!s || !pucData || !pucSignature || uiDataLength != 32)
		return SDR_INARGERR;
	while (flag("SDFTEST_HANGFILE"))
		usleep(1000);
	if (flag("SDFTEST_FAILFILE"))
		return SDR_HARDFAIL;
	if (uiISKIndex >= MAX_KEYS)
		return SDR_KEYNOTEXIST;
	EVP_PKEY *k = s->granted[uiISKIndex];
	if (!k)
		return SDR_PARDENY;
	int rc = SDR_SIGNERR;
	unsigned char der[128];
	size_t derlen = sizeof der;
	/* The SM2 signature over e itself: no Z, no hashing in the device. */
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);
	if (ctx && EVP_PKEY_sign_init(ctx) == 1 && EVP_PKEY_sign(ctx, der, &derlen, pucData, 32) == 1) {
		const unsigned char *p = der;
		ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
		if (sig) {
			memset(pucSignature, 0, sizeof *pucSignature);
			BN_bn2binpad(ECDSA_SIG_get0_r(sig), pucSignature->r, ECCREF_LEN);
			BN_bn2binpad(ECDSA_SIG_get0_s(sig), pucSignature->s, ECCREF_LEN);
			if (flag("SDFTEST_BADSIGFILE"))
				pucSignature->s[ECCREF_LEN - 1] ^= 1;
			ECDSA_SIG_free(sig);
			rc = SDR_OK;
		}
	}
	EVP_PKEY_CTX_free(ctx);
	return rc;
}
