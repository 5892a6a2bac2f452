/*
 * SHA-256 (FIPS 180-4): session and API tokens are stored as their hash,
 * attachments carry their digest, request bodies are hashed for the
 * idempotency check.
 */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN	32

struct sha256 {
	uint32_t	state[8];
	uint64_t	bytes;
	unsigned char	buf[64];
	size_t		used;
};

void	sha256_init(struct sha256 *);
void	sha256_update(struct sha256 *, const void *, size_t);
void	sha256_final(struct sha256 *, unsigned char out[SHA256_LEN]);
/* One-shot digest of a buffer. */
void	sha256(const void *, size_t, unsigned char out[SHA256_LEN]);
/* One-shot digest as 64 lowercase hex characters and a NUL. */
void	sha256_hex(const void *, size_t, char out[SHA256_LEN * 2 + 1]);

#endif
