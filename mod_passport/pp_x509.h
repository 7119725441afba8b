/*
 * pp_x509.h - X.509 certificates for p2pslc (MBI_X509_CID) following
 * MS-WSTEP: check a PKCS#10 request (parse, key type, signature
 * algorithm, proof of possession, key size and RSA exponent; the rules
 * and their order are in docs/certificates.md) and issue a v3 certificate signed by the realm's CA; and
 * make a CA for a new deployment. OpenSSL 3 EVP/X509 only; every object
 * is freed by a pool cleanup. Apache-free.
 */
#ifndef PP_X509_H
#define PP_X509_H

#include <apr_pools.h>

typedef struct pp_ca pp_ca_t;

typedef enum {
    PP_CSR_OK = 0,
    PP_CSR_EMPTY,         /* no PKCS#10 at all */
    PP_CSR_NOT_BASE64,
    PP_CSR_NOT_PKCS10,    /* does not parse as a certificate request */
    PP_CSR_BAD_SIGNATURE, /* the self-signature does not verify */
    PP_CSR_WEAK_KEY,      /* RSA under 1024 bits, EC under 256 */
    PP_CSR_ISSUE_FAILED,  /* our side: signing failed */
    PP_CSR_UNSUPPORTED_KEY,       /* neither RSA nor EC (DSA, Ed25519...) */
    PP_CSR_WEAK_DIGEST,           /* signed with MD2, MD4 or MD5 */
    PP_CSR_UNSUPPORTED_SIGNATURE, /* a signature algorithm we cannot judge */
    PP_CSR_WEAK_EXPONENT          /* an RSA public exponent below 65537 */
} pp_csr_status_t;

/* Load a CA: the certificate must be a CA (basicConstraints CA:TRUE
 * or an old self-signed v1 root), the key must match it. */
pp_ca_t *pp_ca_new(apr_pool_t *p);
int pp_ca_load_cert(apr_pool_t *p, pp_ca_t *ca, const char *path,
                    const char **err);
int pp_ca_load_key(apr_pool_t *p, pp_ca_t *ca, const char *path,
                   const char **err);
/* 1 if the key was loaded and matches the certificate. */
int pp_ca_check_pair(const pp_ca_t *ca, const char **err);

typedef struct {
    apr_uint64_t puid;
    const char *signin;
    const char *realm;
    apr_int64_t not_before;
    apr_int64_t not_after;
} pp_cert_subject_t;

/* Issue a certificate for the PKCS#10 in csr_b64 (standard base64 of
 * DER). Returns the certificate as base64 DER, or NULL with *st and
 * *err saying why. */
const char *pp_x509_issue(apr_pool_t *p, const pp_ca_t *ca,
                          const char *csr_b64, const pp_cert_subject_t *who,
                          pp_csr_status_t *st, const char **err);

/* A new self-signed CA (RSA 2048, SHA-256) as PEM strings. */
int pp_ca_generate(apr_pool_t *p, const char *cn, int days,
                   const char **cert_pem, const char **key_pem,
                   const char **err);

#endif
