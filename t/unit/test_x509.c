/* Unit tests for pp_x509.c: CSR checks and issuance. The CSRs are made
 * here with OpenSSL: one signed by a key other than its own, MD5 and
 * RSA-PSS signatures, MD4 and MD2 ones (an MD5 request with its
 * algorithm renamed: OpenSSL 3 has no MD4 or MD2 to sign with), an RSA
 * exponent of 3, and key types we do not take. */
#include "tap.h"
#include "pp_x509.h"
#include "pp_b64.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <apr_file_io.h>
#include <unistd.h>

static EVP_PKEY *rsa(int bits)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
}

/* RSA with a public exponent of e. */
static EVP_PKEY *rsa_e(unsigned int bits, unsigned int e)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    EVP_PKEY *k = NULL;
    OSSL_PARAM params[3];
    size_t e_word = e;

    params[0] = OSSL_PARAM_construct_uint(OSSL_PKEY_PARAM_RSA_BITS, &bits);
    params[1] = OSSL_PARAM_construct_size_t(OSSL_PKEY_PARAM_RSA_E, &e_word);
    params[2] = OSSL_PARAM_construct_end();
    if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1
        || EVP_PKEY_CTX_set_params(ctx, params) != 1
        || EVP_PKEY_generate(ctx, &k) != 1)
        k = NULL;
    EVP_PKEY_CTX_free(ctx);
    return k;
}

/* DSA (1024 bits: small, quick to make, and refused for its type). */
static EVP_PKEY *dsa(void)
{
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "DSA", NULL), *kc;
    EVP_PKEY *params = NULL, *k = NULL;

    if (pc && EVP_PKEY_paramgen_init(pc) == 1
        && EVP_PKEY_CTX_set_dsa_paramgen_bits(pc, 1024) == 1
        && EVP_PKEY_paramgen(pc, &params) == 1
        && (kc = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL)) != NULL) {
        if (EVP_PKEY_keygen_init(kc) != 1 || EVP_PKEY_keygen(kc, &k) != 1)
            k = NULL;
        EVP_PKEY_CTX_free(kc);
    }
    EVP_PKEY_free(params);
    EVP_PKEY_CTX_free(pc);
    return k;
}

static X509_REQ *new_req(EVP_PKEY *pub)
{
    X509_REQ *req = X509_REQ_new();

    X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "CN",
                               MBSTRING_ASC, (const unsigned char *)"MSIDCRL",
                               -1, -1, 0);
    X509_REQ_set_pubkey(req, pub);
    return req;
}

/* base64 of the DER; frees req. With rename_md5_to (3: MD4, 2: MD2),
 * the md5WithRSAEncryption OID (1.2.840.113549.1.1.4) of the signature
 * algorithm becomes 1.2.840.113549.1.1.<rename_md5_to>. */
static const char *der_b64(apr_pool_t *p, X509_REQ *req, int rename_md5_to)
{
    static const unsigned char md5_rsa[] = { 0x06, 0x09, 0x2a, 0x86, 0x48,
        0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04 };
    unsigned char *der = NULL;
    const char *b64;
    int len = i2d_X509_REQ(req, &der), i, renamed = 0;

    if (len <= 0)
        return "not made";
    for (i = 0; rename_md5_to && i + (int)sizeof(md5_rsa) <= len; i++)
        if (memcmp(der + i, md5_rsa, sizeof(md5_rsa)) == 0) {
            der[i + (int)sizeof(md5_rsa) - 1] = (unsigned char)rename_md5_to;
            renamed++;
        }
    b64 = rename_md5_to && renamed != 1 ? "not renamed"
        : pp_b64_encode(p, der, (apr_size_t)len);
    OPENSSL_free(der);
    X509_REQ_free(req);
    return b64;
}

/* A PKCS#10 for pub, signed with signer (normally the same key) and md
 * (NULL for Ed25519). */
static const char *csr_md(apr_pool_t *p, EVP_PKEY *pub, EVP_PKEY *signer,
                          const EVP_MD *md)
{
    X509_REQ *req = new_req(pub);

    if (X509_REQ_sign(req, signer, md) <= 0) {
        X509_REQ_free(req);
        return "not signed";
    }
    return der_b64(p, req, 0);
}

static const char *csr(apr_pool_t *p, EVP_PKEY *pub, EVP_PKEY *signer)
{
    return csr_md(p, pub, signer, EVP_sha1());
}

/* An MD5 request whose signature algorithm is renamed MD4 or MD2. */
static const char *csr_renamed(apr_pool_t *p, EVP_PKEY *k, int to)
{
    X509_REQ *req = new_req(k);

    X509_REQ_sign(req, k, EVP_md5());
    return der_b64(p, req, to);
}

/* A request whose signature algorithm is RSASSA-PSS over MD5 (message
 * and MGF1), written by hand: OpenSSL 3 will not sign one. The
 * signature itself is junk, which must not matter: the digest is
 * refused first. */
static const char *csr_pss_md5(apr_pool_t *p, EVP_PKEY *k)
{
    X509_REQ *req = new_req(k);
    RSA_PSS_PARAMS *pss = RSA_PSS_PARAMS_new();
    X509_ALGOR *mgf_md = X509_ALGOR_new(), *alg = X509_ALGOR_new();
    ASN1_STRING *mgf_str = NULL, *pss_str = NULL;
    ASN1_BIT_STRING *sig = ASN1_BIT_STRING_new();
    int ok = pss && mgf_md && alg && sig
        && (pss->hashAlgorithm = X509_ALGOR_new()) != NULL
        && (pss->maskGenAlgorithm = X509_ALGOR_new()) != NULL;

    if (ok) {
        X509_ALGOR_set_md(pss->hashAlgorithm, EVP_md5());
        X509_ALGOR_set_md(mgf_md, EVP_md5());
        ok = (mgf_str = ASN1_item_pack(mgf_md, ASN1_ITEM_rptr(X509_ALGOR),
                                       NULL)) != NULL
            && X509_ALGOR_set0(pss->maskGenAlgorithm, OBJ_nid2obj(NID_mgf1),
                               V_ASN1_SEQUENCE, mgf_str) == 1
            && (pss_str = ASN1_item_pack(pss, ASN1_ITEM_rptr(RSA_PSS_PARAMS),
                                         NULL)) != NULL
            && X509_ALGOR_set0(alg, OBJ_nid2obj(NID_rsassaPss),
                               V_ASN1_SEQUENCE, pss_str) == 1
            && X509_REQ_set1_signature_algo(req, alg) == 1
            && ASN1_BIT_STRING_set(sig, (unsigned char *)"junk", 4) == 1;
    }
    if (ok)
        X509_REQ_set0_signature(req, sig);
    else
        ASN1_BIT_STRING_free(sig);
    X509_ALGOR_free(mgf_md);
    X509_ALGOR_free(alg);
    RSA_PSS_PARAMS_free(pss);
    if (!ok) {
        X509_REQ_free(req);
        return "not made";
    }
    return der_b64(p, req, 0);
}

/* RSASSA-PSS with md for both the message and MGF1. */
static const char *csr_pss(apr_pool_t *p, EVP_PKEY *k, const EVP_MD *md)
{
    X509_REQ *req = new_req(k);
    EVP_MD_CTX *mc = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pc = NULL;
    int ok = mc && EVP_DigestSignInit(mc, &pc, md, NULL, k) == 1
        && EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) == 1
        && EVP_PKEY_CTX_set_rsa_mgf1_md(pc, md) == 1
        && X509_REQ_sign_ctx(req, mc) > 0;

    EVP_MD_CTX_free(mc);
    if (!ok) {
        X509_REQ_free(req);
        return "not signed";
    }
    return der_b64(p, req, 0);
}

static X509 *decode_cert(apr_pool_t *p, const char *b64)
{
    apr_size_t n = 0;
    const unsigned char *der = pp_b64_decode(p, b64, &n);

    return der ? d2i_X509(NULL, &der, (long)n) : NULL;
}

static const char *write_tmp(apr_pool_t *p, const char *name, const char *s)
{
    const char *dir = NULL, *path;
    apr_file_t *f;

    apr_temp_dir_get(&dir, p);
    path = apr_psprintf(p, "%s/pp-test-%ld-%s", dir, (long)getpid(), name);
    apr_file_open(&f, path, APR_FOPEN_WRITE | APR_FOPEN_CREATE
                  | APR_FOPEN_TRUNCATE, APR_FPROT_UREAD | APR_FPROT_UWRITE, p);
    apr_file_puts(s, f);
    apr_file_close(f);
    return path;
}

int main(void)
{
    apr_pool_t *p = tap_start();
    const char *err = NULL, *cert_pem, *key_pem, *cp, *kp, *out, *got;
    pp_ca_t *ca = pp_ca_new(p), *other = pp_ca_new(p), *bad = pp_ca_new(p);
    pp_cert_subject_t who = { APR_UINT64_C(0x0123456789ABCDEF),
                              "alice@example.com", "Passport.Net",
                              1800000000, 1800086400 };
    pp_csr_status_t st;
    EVP_PKEY *k1024 = rsa(1024), *k2048 = rsa(2048), *k512 = rsa(512);
    EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    EVP_PKEY *ec224 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-224");
    EVP_PKEY *e3 = rsa_e(1024, 3), *e17 = rsa_e(1024, 17);
    EVP_PKEY *e65539 = rsa_e(1024, 65539), *d = dsa();
    EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    X509 *cert, *ca_cert;
    char cn[64];

    ok(pp_ca_generate(p, "Test CA", 30, &cert_pem, &key_pem, &err),
       "a CA is generated");
    cp = write_tmp(p, "ca.pem", cert_pem);
    kp = write_tmp(p, "ca.key", key_pem);
    ok(pp_ca_load_cert(p, ca, cp, &err) && pp_ca_load_key(p, ca, kp, &err)
       && pp_ca_check_pair(ca, &err), "and loads as a matching pair");

    /* a key that is not the CA's, and a certificate that is not a CA */
    pp_ca_generate(p, "Other CA", 30, &cert_pem, &key_pem, &err);
    pp_ca_load_cert(p, other, cp, &err);
    pp_ca_load_key(p, other, write_tmp(p, "other.key", key_pem), &err);
    ok(!pp_ca_check_pair(other, &err) && strstr(err, "does not match"),
       "a key of another CA is refused");
    out = pp_x509_issue(p, ca, csr(p, k1024, k1024), &who, &st, &err);
    ok(!pp_ca_load_cert(p, bad, write_tmp(p, "leaf.pem", apr_psprintf(p,
       "-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n", out)),
       &err) && strstr(err, "not a CA"), "a leaf certificate is not a CA");
    ok(!pp_ca_load_cert(p, bad, "/nonexistent/ca.pem", &err), "missing file");
    ok(!pp_ca_load_key(p, bad, cp, &err), "a certificate is not a key");

    /* issuance */
    out = pp_x509_issue(p, ca, csr(p, k1024, k1024), &who, &st, &err);
    ok(out != NULL && st == PP_CSR_OK, "RSA 1024 CSR (SHA1, CN=MSIDCRL) issued");
    cert = decode_cert(p, out);
    {
        BIO *b = BIO_new_file(cp, "r");

        ca_cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
        BIO_free(b);
    }
    ok(cert && X509_verify(cert, X509_get0_pubkey(ca_cert)) == 1,
       "signed by the CA");
    ok(cert && EVP_PKEY_eq(X509_get0_pubkey(cert), k1024) == 1,
       "carries the request's public key");
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn,
                              sizeof(cn));
    is_str(cn, "0123456789ABCDEF", "subject CN is the PUID, not MSIDCRL");
    ok(ASN1_TIME_cmp_time_t(X509_get0_notBefore(cert), 1800000000) == 0
       && ASN1_TIME_cmp_time_t(X509_get0_notAfter(cert), 1800086400) == 0,
       "validity as asked");
    ok(X509_get_version(cert) == 2 && (X509_get_key_usage(cert)
       & KU_DIGITAL_SIGNATURE) && !X509_check_ca(cert),
       "v3, digitalSignature, not a CA");
    {
        X509 *again = decode_cert(p, pp_x509_issue(p, ca, csr(p, k1024, k1024),
                                                   &who, &st, &err));

        ok(ASN1_INTEGER_cmp(X509_get0_serialNumber(cert),
                            X509_get0_serialNumber(again)) != 0,
           "a fresh serial each time");
        X509_free(again);
    }
    X509_free(cert);

    ok(pp_x509_issue(p, ca, csr(p, k2048, k2048), &who, &st, &err) != NULL,
       "RSA 2048 issued");
    ok(pp_x509_issue(p, ca, csr(p, ec, ec), &who, &st, &err) != NULL,
       "EC P-256 issued (ECDSA with SHA-1)");
    ok(pp_x509_issue(p, ca, csr_md(p, k1024, k1024, EVP_sha256()), &who, &st,
                     &err) != NULL && st == PP_CSR_OK, "RSA with SHA-256 issued");
    ok(pp_x509_issue(p, ca, csr_pss(p, k2048, EVP_sha256()), &who, &st, &err)
       != NULL && st == PP_CSR_OK, "RSASSA-PSS with SHA-256 issued");
    ok(e65539 && pp_x509_issue(p, ca, csr(p, e65539, e65539), &who, &st, &err)
       != NULL && st == PP_CSR_OK, "RSA exponent 65539 issued");

    /* refusals */
    got = pp_x509_issue(p, ca, csr(p, k1024, k2048), &who, &st, &err);
    ok(!got && st == PP_CSR_BAD_SIGNATURE && strstr(err, "does not verify"),
       "signed by another key: no proof of possession (%s)", err);
    got = pp_x509_issue(p, ca, csr(p, k512, k512), &who, &st, &err);
    ok(!got && st == PP_CSR_WEAK_KEY && strstr(err, "too weak (512-bit "
       "rsaEncryption"), "512-bit RSA refused (%s)", err);
    got = pp_x509_issue(p, ca, csr(p, ec224, ec224), &who, &st, &err);
    ok(!got && st == PP_CSR_WEAK_KEY && strstr(err, "too weak (224-bit "),
       "EC P-224 refused (%s)", err);

    /* signed with a broken digest: refused for that, before the signature
     * is even checked (MD4 and MD2 ones could not be verified here) */
    got = pp_x509_issue(p, ca, csr_md(p, k1024, k1024, EVP_md5()), &who, &st,
                        &err);
    ok(!got && st == PP_CSR_WEAK_DIGEST && strstr(err, "signed with MD5"),
       "an MD5 signature is refused (%s)", err);
    got = pp_x509_issue(p, ca, csr_renamed(p, k1024, 3), &who, &st, &err);
    ok(!got && st == PP_CSR_WEAK_DIGEST && strstr(err, "signed with MD4"),
       "an MD4 signature is refused (%s)", err);
    got = pp_x509_issue(p, ca, csr_renamed(p, k1024, 2), &who, &st, &err);
    ok(!got && st == PP_CSR_WEAK_DIGEST && strstr(err, "signed with MD2"),
       "an MD2 signature is refused (%s)", err);
    got = pp_x509_issue(p, ca, csr_pss_md5(p, k2048), &who, &st, &err);
    ok(!got && st == PP_CSR_WEAK_DIGEST && strstr(err, "signed with MD5"),
       "RSASSA-PSS over MD5 is refused too (%s)", err);

    got = pp_x509_issue(p, ca, csr_md(p, k1024, k1024, EVP_ripemd160()),
                        &who, &st, &err);
    ok(!got && st == PP_CSR_UNSUPPORTED_SIGNATURE
       && strstr(err, "signature algorithm (ripemd160WithRSA) is not "
                 "supported"), "RIPEMD-160: an algorithm we do not judge is "
       "refused as unsupported (%s)", err);
    ok(pp_x509_issue(p, ca, csr_md(p, ec, ec, EVP_sha512()), &who, &st, &err)
       != NULL && st == PP_CSR_OK, "ECDSA with SHA-512 issued");

    /* a small RSA exponent */
    got = pp_x509_issue(p, ca, csr(p, e3, e3), &who, &st, &err);
    ok(e3 && !got && st == PP_CSR_WEAK_EXPONENT
       && strstr(err, "public exponent is 3;"),
       "RSA exponent 3 refused (%s)", err);
    got = pp_x509_issue(p, ca, csr(p, e17, e17), &who, &st, &err);
    ok(e17 && !got && st == PP_CSR_WEAK_EXPONENT
       && strstr(err, "public exponent is 17;"),
       "RSA exponent 17 refused (%s)", err);

    /* key types we do not take: not 'too weak' */
    got = pp_x509_issue(p, ca, csr_md(p, ed, ed, NULL), &who, &st, &err);
    ok(ed && !got && st == PP_CSR_UNSUPPORTED_KEY
       && strstr(err, "key type (ED25519) is not supported")
       && !strstr(err, "weak"), "an Ed25519 key is unsupported (%s)", err);
    got = pp_x509_issue(p, ca, csr_md(p, d, d, EVP_sha256()), &who, &st,
                        &err);
    ok(d && !got && st == PP_CSR_UNSUPPORTED_KEY
       && strstr(err, "key type (DSA) is not supported")
       && !strstr(err, "weak"), "a DSA key is unsupported (%s)", err);
    ok(!pp_x509_issue(p, ca, "", &who, &st, &err) && st == PP_CSR_EMPTY,
       "empty refused");
    ok(!pp_x509_issue(p, ca, NULL, &who, &st, &err) && st == PP_CSR_EMPTY,
       "missing refused");
    ok(!pp_x509_issue(p, ca, "!!not base64!!", &who, &st, &err)
       && st == PP_CSR_NOT_BASE64, "garbage base64 refused");
    ok(!pp_x509_issue(p, ca, "MAMCAQE=", &who, &st, &err)
       && st == PP_CSR_NOT_PKCS10, "DER that is not a CSR refused");
    ok(!pp_x509_issue(p, ca, out, &who, &st, &err) && st == PP_CSR_NOT_PKCS10,
       "a certificate is not a CSR");

    X509_free(ca_cert);
    EVP_PKEY_free(k1024);
    EVP_PKEY_free(k2048);
    EVP_PKEY_free(k512);
    EVP_PKEY_free(ec);
    EVP_PKEY_free(ec224);
    EVP_PKEY_free(e3);
    EVP_PKEY_free(e17);
    EVP_PKEY_free(e65539);
    EVP_PKEY_free(d);
    EVP_PKEY_free(ed);
    apr_file_remove(cp, p);
    apr_file_remove(kp, p);
    apr_pool_destroy(p);
    return tap_done();
}
