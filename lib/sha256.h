/*
 * sha256.h - SHA-256 (FIPS 180-4), for the knowledge fingerprint.
 */
#ifndef AIP_SHA256_H
#define AIP_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct aipi_sha256 {
    uint32_t state[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t fill;
} aipi_sha256;

void aipi_sha256_init(aipi_sha256 *h);
void aipi_sha256_update(aipi_sha256 *h, const void *data, size_t n);
void aipi_sha256_final(aipi_sha256 *h, unsigned char digest[32]);

#endif
