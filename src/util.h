/*
 * Small pure helpers used everywhere: bounded number parsing, time stamps,
 * random tokens, encodings, UTF-8 checks, constant-time comparison.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpdesk.h"

/* Wall clock and monotonic clock in microseconds. */
int64_t	 util_now_us(void);
int64_t	 util_mono_us(void);
/* Format a wall-clock time (microseconds) as RFC 3339 UTC, second precision. */
void	 util_time_rfc3339(char *, size_t, int64_t);
/* Parse "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DD HH:MM:SS" as UTC seconds. */
int	 util_time_parse(const char *, int64_t *);

/*
 * Parse a decimal integer within [min, max]; the whole string must be used.
 * Returns 0, or -1 with *errstr pointing at a static reason.
 */
int	 util_strtonum(const char *, long long, long long, long long *, const char **);

/* Fill buf with n bytes from getrandom(2); fatal if the kernel refuses. */
void	 util_random_bytes(void *, size_t);
/* Encoded length of base64url without padding, and the encoder (NUL-terminated). */
#define UTIL_B64URL_LEN(n)	(((n) * 4 + 2) / 3)
void	 util_base64url_encode(char *, const unsigned char *, size_t);
/* Lowercase hex of n bytes into out (2n+1 bytes). */
void	 util_hex_encode(char *, const unsigned char *, size_t);
/* A new 256-bit token, base64url: 43 characters and a NUL. */
#define UTIL_TOKEN_LEN	43
void	 util_token_new(char out[UTIL_TOKEN_LEN + 1]);

/* Compare two buffers of the same length without an early exit. */
bool	 util_ct_equal(const void *, const void *, size_t);

/*
 * Validate UTF-8 (shortest form, no surrogates, no NUL); returns the number
 * of code points, or -1 when the bytes are not valid UTF-8.
 */
long	 util_utf8_count(const char *, size_t);

/* Trim ASCII spaces and tabs at both ends in place; returns s. */
char	*util_trim(char *);

#endif
