/*
 * LD_PRELOAD fix for TLS in Debian 12's OpenSMTPD 6.8.0p2 with OpenSSL 3.
 *
 * Why: smtpd's network process never holds the private key. It takes the public key of the
 * certificate, tags the key's RSA / EC_KEY object (ex_data) and lets its privsep engine send
 * every signature to the process that has the key. With OpenSSL 3, EVP_PKEY_get1_RSA() and
 * EVP_PKEY_get1_EC_KEY() return a cached copy of a provider key, so the tag never reaches the
 * key TLS signs with: every handshake fails ("missing private key", "SSL routines::EVP lib";
 * the client sees "tlsv1 alert internal error"; OpenSMTPD issues #1171 and #1239). Upstream's
 * fix (PR #1208, for the libtls of 7.x) writes the tagged key back with EVP_PKEY_set1_*(); this
 * does the same for 6.8, just before the key is installed in an SSL_CTX.
 *
 * Every OpenSSL function is looked up at run time (dlsym), so the library has no undefined
 * symbols: programs smtpd starts that do not load OpenSSL (mail.maildir) still start with it
 * preloaded. Build: gcc -shared -fPIC -o openssl3-pkey-fix.so openssl3-pkey-fix.c
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

#define LAB_EVP_PKEY_RSA 6   /* NID_rsaEncryption */
#define LAB_EVP_PKEY_EC 408  /* NID_X9_62_id_ecPublicKey */

typedef int (*use_key_fn)(void *ctx, void *pkey);
typedef int (*key_id_fn)(const void *pkey);
typedef void *(*get1_fn)(void *pkey);
typedef int (*set1_fn)(void *pkey, void *key);
typedef void (*free_fn)(void *key);

static void *openssl(const char *name) { return dlsym(RTLD_DEFAULT, name); }

/* Replace the provider key by the (tagged) legacy object it caches, then install it. */
int SSL_CTX_use_PrivateKey(void *ctx, void *pkey) {
  use_key_fn real = (use_key_fn)dlsym(RTLD_NEXT, "SSL_CTX_use_PrivateKey");
  if (real == NULL) return 0; /* OpenSSL's failure value: smtpd then reports the pki error */
  key_id_fn base_id = (key_id_fn)openssl("EVP_PKEY_get_base_id");
  int id = pkey != NULL && base_id != NULL ? base_id(pkey) : 0;
  if (id == LAB_EVP_PKEY_RSA || id == LAB_EVP_PKEY_EC) {
    int rsa = id == LAB_EVP_PKEY_RSA;
    get1_fn get1 = (get1_fn)openssl(rsa ? "EVP_PKEY_get1_RSA" : "EVP_PKEY_get1_EC_KEY");
    set1_fn set1 = (set1_fn)openssl(rsa ? "EVP_PKEY_set1_RSA" : "EVP_PKEY_set1_EC_KEY");
    free_fn release = (free_fn)openssl(rsa ? "RSA_free" : "EC_KEY_free");
    void *key = get1 != NULL ? get1(pkey) : NULL;
    if (key != NULL) {
      if (set1 != NULL) set1(pkey, key);
      if (release != NULL) release(key);
    }
  }
  return real(ctx, pkey);
}
