/* Unit tests for pp_x509.c: CSR checks and issuance. The CSRs are made
 * here with OpenSSL, including one signed by a key other than its own. */
#include "tap.h"
#include "pp_x509.h"
#include "pp_b64.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <apr_file_io.h>
#include <unistd.h>

static EVP_PKEY *rsa(int bits)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
}

/* A PKCS#10 for pub, signed with signer (normally the same key). */
static const char *csr(apr_pool_t *p, EVP_PKEY *pub, EVP_PKEY *signer)
{
    X509_REQ *req = X509_REQ_new();
    X509_NAME *n = X509_REQ_get_subject_name(req);
    unsigned char *der = NULL;
    const char *b64;
    int len;

    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
                               (const unsigned char *)"MSIDCRL", -1, -1, 0);
    X509_REQ_set_pubkey(req, pub);
    X509_REQ_sign(req, signer, EVP_sha1());
    len = i2d_X509_REQ(req, &der);
    b64 = pp_b64_encode(p, der, (apr_size_t)len);
    OPENSSL_free(der);
    X509_REQ_free(req);
    return b64;
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
    const char *err = NULL, *cert_pem, *key_pem, *cp, *kp, *out;
    pp_ca_t *ca = pp_ca_new(p), *other = pp_ca_new(p), *bad = pp_ca_new(p);
    pp_cert_subject_t who = { APR_UINT64_C(0x0123456789ABCDEF),
                              "alice@example.com", "Passport.Net",
                              1800000000, 1800086400 };
    pp_csr_status_t st;
    EVP_PKEY *k1024 = rsa(1024), *k2048 = rsa(2048), *k512 = rsa(512);
    EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
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
       "a key of another CA is refused (%s)", err);
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
       "EC P-256 issued");

    /* refusals */
    ok(!pp_x509_issue(p, ca, csr(p, k1024, k2048), &who, &st, &err)
       && st == PP_CSR_BAD_SIGNATURE, "signed by another key: no proof of "
       "possession (%s)", err);
    ok(!pp_x509_issue(p, ca, csr(p, k512, k512), &who, &st, &err)
       && st == PP_CSR_WEAK_KEY, "512-bit RSA refused (%s)", err);
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
    apr_file_remove(cp, p);
    apr_file_remove(kp, p);
    apr_pool_destroy(p);
    return tap_done();
}
