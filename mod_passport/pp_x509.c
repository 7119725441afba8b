/*
 * pp_x509.c - PKCS#10 checks and certificate issuance (OpenSSL 3).
 */
#include "pp_x509.h"
#include "pp_b64.h"
#include "pp_str.h"

#include <apr_strings.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>

#define SERIAL_BITS 127

struct pp_ca {
    X509 *cert;
    EVP_PKEY *key;
};

/* ---- every OpenSSL object is freed with its pool --------------------- */

static apr_status_t free_x509(void *o) { X509_free(o); return APR_SUCCESS; }
static apr_status_t free_req(void *o) { X509_REQ_free(o); return APR_SUCCESS; }
static apr_status_t free_pkey(void *o) { EVP_PKEY_free(o); return APR_SUCCESS; }
static apr_status_t free_bio(void *o) { BIO_free(o); return APR_SUCCESS; }
static apr_status_t free_bn(void *o) { BN_free(o); return APR_SUCCESS; }

static void *owned(apr_pool_t *p, void *o, apr_status_t (*fn)(void *))
{
    if (o != NULL)
        apr_pool_cleanup_register(p, o, fn, apr_pool_cleanup_null);
    return o;
}

static const char *ssl_error(apr_pool_t *p)
{
    unsigned long e = ERR_get_error();
    char buf[256];

    ERR_clear_error();
    if (e == 0)
        return "unknown OpenSSL error";
    ERR_error_string_n(e, buf, sizeof(buf));
    return apr_pstrdup(p, buf);
}

/* ---- the CA ------------------------------------------------------------ */

pp_ca_t *pp_ca_new(apr_pool_t *p)
{
    return apr_pcalloc(p, sizeof(pp_ca_t));
}

int pp_ca_load_cert(apr_pool_t *p, pp_ca_t *ca, const char *path,
                    const char **err)
{
    BIO *in = owned(p, BIO_new_file(path, "r"), free_bio);

    if (in == NULL) {
        *err = apr_psprintf(p, "cannot read '%s'", path);
        ERR_clear_error();
        return 0;
    }
    ca->cert = owned(p, PEM_read_bio_X509(in, NULL, NULL, NULL), free_x509);
    if (ca->cert == NULL) {
        *err = apr_psprintf(p, "'%s' holds no PEM certificate (%s)", path,
                            ssl_error(p));
        return 0;
    }
    if (X509_check_ca(ca->cert) < 1) {
        *err = apr_psprintf(p, "'%s' is not a CA certificate "
                            "(basicConstraints CA:TRUE is missing)", path);
        return 0;
    }
    return 1;
}

int pp_ca_load_key(apr_pool_t *p, pp_ca_t *ca, const char *path,
                   const char **err)
{
    BIO *in = owned(p, BIO_new_file(path, "r"), free_bio);

    if (in == NULL) {
        *err = apr_psprintf(p, "cannot read '%s'", path);
        ERR_clear_error();
        return 0;
    }
    ca->key = owned(p, PEM_read_bio_PrivateKey(in, NULL, NULL, NULL),
                    free_pkey);
    if (ca->key == NULL) {
        *err = apr_psprintf(p, "'%s' holds no unencrypted PEM private key "
                            "(%s)", path, ssl_error(p));
        return 0;
    }
    return 1;
}

int pp_ca_check_pair(const pp_ca_t *ca, const char **err)
{
    if (ca == NULL || ca->cert == NULL || ca->key == NULL) {
        *err = "both the CA certificate and its key are needed";
        return 0;
    }
    if (X509_check_private_key(ca->cert, ca->key) != 1) {
        ERR_clear_error();
        *err = "the CA key does not match the CA certificate";
        return 0;
    }
    return 1;
}

/* ---- issuing ----------------------------------------------------------- */

/* ---- what a request is refused for ------------------------------------ */

#define MIN_RSA_EXPONENT 65537

static int key_type_supported(EVP_PKEY *k)
{
    int id = EVP_PKEY_get_base_id(k);

    return id == EVP_PKEY_RSA || id == EVP_PKEY_EC;
}

static int key_strong_enough(EVP_PKEY *k)
{
    return EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA
           ? EVP_PKEY_get_bits(k) >= 1024 : EVP_PKEY_get_bits(k) >= 256;
}

/* An RSA key's public exponent, as decimal in *shown; 1 if it is at
 * least MIN_RSA_EXPONENT. A small exponent (3, 17) is what the old
 * Bleichenbacher-style forgeries and broadcast attacks need. */
static int exponent_big_enough(apr_pool_t *p, EVP_PKEY *k, const char **shown)
{
    BIGNUM *e = NULL;
    char *dec;
    int ok;

    *shown = "unreadable";
    if (EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
        ERR_clear_error();
        return 0;
    }
    ok = BN_num_bits(e) > 17 || BN_get_word(e) >= MIN_RSA_EXPONENT;
    if ((dec = BN_bn2dec(e)) != NULL) {
        *shown = apr_pstrdup(p, dec);
        OPENSSL_free(dec);
    }
    BN_free(e);
    return ok;
}

/* MD2, MD4 and MD5 collide: a signature over one of them proves
 * nothing. SHA-1 stays: the Windows clients of MSNP15-18 sign their
 * requests with it, and the signature only proves possession. */
static int broken_digest(int md)
{
    return md == NID_md2 || md == NID_md4 || md == NID_md5
        || md == NID_md5_sha1;
}

static int good_digest(int md)
{
    switch (md) {
    case NID_sha1: case NID_sha224: case NID_sha256: case NID_sha384:
    case NID_sha512: case NID_sha512_224: case NID_sha512_256:
    case NID_sha3_224: case NID_sha3_256: case NID_sha3_384:
    case NID_sha3_512:
        return 1;
    default:
        return 0;
    }
}

/* The digests of RSASSA-PSS parameters (RFC 4055): the message hash
 * and MGF1's, SHA-1 when absent. 0 when they do not parse. */
static int pss_digests(const X509_ALGOR *alg, int *md, int *mgf_md)
{
    const ASN1_OBJECT *obj;
    const void *pv;
    int ptype;
    RSA_PSS_PARAMS *pss;
    int ok = 1;

    X509_ALGOR_get0(&obj, &ptype, &pv, alg);
    if (ptype != V_ASN1_SEQUENCE)
        return 0;
    pss = ASN1_item_unpack(pv, ASN1_ITEM_rptr(RSA_PSS_PARAMS));
    if (pss == NULL)
        return 0;
    *md = pss->hashAlgorithm ? OBJ_obj2nid(pss->hashAlgorithm->algorithm)
                             : NID_sha1;
    *mgf_md = NID_sha1;
    if (pss->maskGenAlgorithm != NULL) {
        X509_ALGOR *h = NULL;

        X509_ALGOR_get0(&obj, &ptype, &pv, pss->maskGenAlgorithm);
        if (OBJ_obj2nid(obj) != NID_mgf1 || ptype != V_ASN1_SEQUENCE
            || (h = ASN1_item_unpack(pv, ASN1_ITEM_rptr(X509_ALGOR))) == NULL)
            ok = 0;
        else
            *mgf_md = OBJ_obj2nid(h->algorithm);
        X509_ALGOR_free(h);
    }
    RSA_PSS_PARAMS_free(pss);
    return ok;
}

/* Is the request's signature algorithm one we take? PP_CSR_OK, or
 * why not with *err. */
static pp_csr_status_t check_signature_algorithm(apr_pool_t *p,
                                                 const X509_REQ *req,
                                                 const char **err)
{
    const ASN1_BIT_STRING *sig;
    const X509_ALGOR *alg;
    int sig_nid = X509_REQ_get_signature_nid(req), md = NID_undef;
    int pk = NID_undef, mgf_md = NID_sha1, parsed;

    if (sig_nid == NID_rsassaPss) {
        X509_REQ_get0_signature(req, &sig, &alg);
        parsed = pss_digests(alg, &md, &mgf_md);
    }
    else
        parsed = OBJ_find_sigid_algs(sig_nid, &md, &pk);
    ERR_clear_error();
    if (parsed && (broken_digest(md) || broken_digest(mgf_md))) {
        *err = apr_psprintf(p, "the certificate request is signed with %s "
                            "(%s), a broken digest: sign it with SHA-1 or "
                            "SHA-2", OBJ_nid2sn(broken_digest(md) ? md
                                                                 : mgf_md),
                            OBJ_nid2ln(sig_nid));
        return PP_CSR_WEAK_DIGEST;
    }
    if (!parsed || !good_digest(md) || !good_digest(mgf_md)) {
        *err = apr_psprintf(p, "the certificate request's signature "
                            "algorithm (%s) is not supported: want RSA, "
                            "RSASSA-PSS or ECDSA with SHA-1 or SHA-2",
                            sig_nid == NID_undef ? "unknown"
                                                 : OBJ_nid2ln(sig_nid));
        return PP_CSR_UNSUPPORTED_SIGNATURE;
    }
    return PP_CSR_OK;
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;
    int ok;

    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ext == NULL)
        return 0;
    ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok;
}

static int random_serial(apr_pool_t *p, X509 *cert)
{
    BIGNUM *bn = owned(p, BN_new(), free_bn);

    return bn != NULL
        && BN_rand(bn, SERIAL_BITS, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1
        && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != NULL;
}

static X509_NAME *account_name(const pp_cert_subject_t *who,
                               const char *puid_hex)
{
    X509_NAME *n = X509_NAME_new();

    if (n == NULL
        || !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
                                       (const unsigned char *)who->realm, -1,
                                       -1, 0)
        || !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
                                       (const unsigned char *)puid_hex, -1,
                                       -1, 0)) {
        X509_NAME_free(n);
        return NULL;
    }
    return n;
}

const char *pp_x509_issue(apr_pool_t *p, const pp_ca_t *ca,
                          const char *csr_b64, const pp_cert_subject_t *who,
                          pp_csr_status_t *st, const char **err)
{
    const unsigned char *der, *q;
    unsigned char *out = NULL;
    apr_size_t len = 0;
    X509_REQ *req;
    EVP_PKEY *pub;
    X509 *cert;
    X509_NAME *name;
    const char *puid_hex = pp_hex16(p, who->puid), *b64, *e_shown;
    int n, ok;

    *st = PP_CSR_EMPTY;
    if (csr_b64 == NULL || *csr_b64 == '\0') {
        *err = "the PKCS#10 certificate request is missing or empty";
        return NULL;
    }
    /* base64 may be wrapped over lines */
    {
        char *flat = apr_palloc(p, strlen(csr_b64) + 1), *f = flat;

        for (; *csr_b64; csr_b64++)
            if (*csr_b64 != '\n' && *csr_b64 != '\r' && *csr_b64 != ' '
                && *csr_b64 != '\t')
                *f++ = *csr_b64;
        *f = '\0';
        der = pp_b64_decode(p, flat, &len);
    }
    if (der == NULL || len == 0) {
        *st = PP_CSR_NOT_BASE64;
        *err = "the PKCS#10 certificate request is not base64";
        return NULL;
    }
    q = der;
    req = owned(p, d2i_X509_REQ(NULL, &q, (long)len), free_req);
    if (req == NULL || q != der + len) {
        ERR_clear_error();
        *st = PP_CSR_NOT_PKCS10;
        *err = "the token is not a DER PKCS#10 certificate request";
        return NULL;
    }
    pub = X509_REQ_get0_pubkey(req);
    if (pub == NULL) {
        ERR_clear_error();
        *st = PP_CSR_NOT_PKCS10;
        *err = "the certificate request has no usable public key";
        return NULL;
    }
    /* each refusal names its own rule: the key type, the signature's
     * digest, the signature, the key's size, the RSA exponent */
    if (!key_type_supported(pub)) {
        *st = PP_CSR_UNSUPPORTED_KEY;
        *err = apr_psprintf(p, "the certificate request's key type (%s) is "
                            "not supported: want RSA or EC",
                            OBJ_nid2sn(EVP_PKEY_get_base_id(pub)));
        return NULL;
    }
    if ((*st = check_signature_algorithm(p, req, err)) != PP_CSR_OK)
        return NULL;
    if (X509_REQ_verify(req, pub) != 1) {
        ERR_clear_error();
        *st = PP_CSR_BAD_SIGNATURE;
        *err = "the certificate request's signature does not verify "
               "(no proof of possession of the key)";
        return NULL;
    }
    if (!key_strong_enough(pub)) {
        *st = PP_CSR_WEAK_KEY;
        *err = apr_psprintf(p, "the certificate request's key is too weak "
                            "(%d-bit %s; want RSA of 1024 bits or more, or "
                            "EC of 256 or more)", EVP_PKEY_get_bits(pub),
                            OBJ_nid2sn(EVP_PKEY_get_base_id(pub)));
        return NULL;
    }
    if (EVP_PKEY_get_base_id(pub) == EVP_PKEY_RSA
        && !exponent_big_enough(p, pub, &e_shown)) {
        *st = PP_CSR_WEAK_EXPONENT;
        *err = apr_psprintf(p, "the certificate request's RSA public "
                            "exponent is %s; want %d or more", e_shown,
                            MIN_RSA_EXPONENT);
        return NULL;
    }

    *st = PP_CSR_ISSUE_FAILED;
    if (ca == NULL || ca->cert == NULL || ca->key == NULL) {
        *err = "no CA certificate and key to issue with";
        return NULL;
    }
    cert = owned(p, X509_new(), free_x509);
    name = account_name(who, puid_hex);
    ok = cert != NULL && name != NULL
        && X509_set_version(cert, 2) == 1
        && random_serial(p, cert)
        && X509_set_issuer_name(cert, X509_get_subject_name(ca->cert)) == 1
        && X509_set_subject_name(cert, name) == 1
        && ASN1_TIME_set(X509_getm_notBefore(cert),
                         (time_t)who->not_before) != NULL
        && ASN1_TIME_set(X509_getm_notAfter(cert),
                         (time_t)who->not_after) != NULL
        && X509_set_pubkey(cert, pub) == 1
        && add_ext(cert, ca->cert, NID_basic_constraints, "critical,CA:FALSE")
        && add_ext(cert, ca->cert, NID_key_usage,
                   "critical,digitalSignature")
        && add_ext(cert, ca->cert, NID_subject_key_identifier, "hash")
        && add_ext(cert, ca->cert, NID_authority_key_identifier,
                   "keyid:always")
        && add_ext(cert, ca->cert, NID_subject_alt_name,
                   apr_pstrcat(p, "email:", who->signin, NULL))
        && X509_sign(cert, ca->key, EVP_sha256()) > 0;
    X509_NAME_free(name);
    if (!ok || (n = i2d_X509(cert, &out)) <= 0) {
        *err = apr_psprintf(p, "issuing the certificate failed: %s",
                            ssl_error(p));
        return NULL;
    }
    b64 = pp_b64_encode(p, out, (apr_size_t)n);
    OPENSSL_free(out);
    *st = PP_CSR_OK;
    return b64;
}

/* ---- a new CA ---------------------------------------------------------- */

static const char *pem_of(apr_pool_t *p, BIO *b)
{
    char *data = NULL;
    long n = BIO_get_mem_data(b, &data);

    return n > 0 ? apr_pstrmemdup(p, data, (apr_size_t)n) : NULL;
}

int pp_ca_generate(apr_pool_t *p, const char *cn, int days,
                   const char **cert_pem, const char **key_pem,
                   const char **err)
{
    EVP_PKEY *key = owned(p, EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
                                               (size_t)2048), free_pkey);
    X509 *cert = owned(p, X509_new(), free_x509);
    BIO *cb = owned(p, BIO_new(BIO_s_mem()), free_bio);
    BIO *kb = owned(p, BIO_new(BIO_s_mem()), free_bio);
    X509_NAME *name;
    int ok;

    if (key == NULL || cert == NULL || cb == NULL || kb == NULL) {
        *err = ssl_error(p);
        return 0;
    }
    name = X509_get_subject_name(cert);
    ok = X509_set_version(cert, 2) == 1
        && random_serial(p, cert)
        && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                      (const unsigned char *)cn, -1, -1, 0)
        && X509_set_issuer_name(cert, name) == 1
        && X509_gmtime_adj(X509_getm_notBefore(cert), 0) != NULL
        && X509_gmtime_adj(X509_getm_notAfter(cert),
                           (long)days * 86400) != NULL
        && X509_set_pubkey(cert, key) == 1
        && add_ext(cert, cert, NID_basic_constraints, "critical,CA:TRUE")
        && add_ext(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign")
        && add_ext(cert, cert, NID_subject_key_identifier, "hash")
        && X509_sign(cert, key, EVP_sha256()) > 0
        && PEM_write_bio_X509(cb, cert) == 1
        && PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL) == 1;
    if (!ok) {
        *err = ssl_error(p);
        return 0;
    }
    *cert_pem = pem_of(p, cb);
    *key_pem = pem_of(p, kb);
    return *cert_pem != NULL && *key_pem != NULL;
}
