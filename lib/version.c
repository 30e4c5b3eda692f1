/*
 * version.c - runtime version information.
 */
#include "aipolicy.h"

const char *aip_version(void)
{
    return AIP_VERSION;
}

int aip_version_number(void)
{
    return AIP_VERSION_NUMBER;
}

int aip_schema_version(void)
{
    return AIP_SCHEMA_VERSION;
}
