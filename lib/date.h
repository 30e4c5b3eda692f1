/*
 * date.h - calendar dates as day numbers.
 *
 * Dates are compared on the query path, so they are stored as the number of
 * days since 1970-01-01 (negative before): comparing two dates is comparing
 * two integers.
 */
#ifndef AIP_DATE_H
#define AIP_DATE_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t aipi_date;

#define AIPI_DATE_MIN_YEAR 1900
#define AIPI_DATE_MAX_YEAR 9999

/* Parses exactly "YYYY-MM-DD" (n bytes) into *out. Returns 0 on success, -1
 * when the text is not a real calendar date in the supported range. */
int aipi_date_parse(const char *s, size_t n, aipi_date *out);

/* Writes "YYYY-MM-DD" and a NUL into buf (at least 11 bytes). */
void aipi_date_format(aipi_date d, char buf[11]);

aipi_date aipi_date_from_ymd(int y, int m, int d);

/* Today's date in UTC. */
aipi_date aipi_date_today(void);

#endif
