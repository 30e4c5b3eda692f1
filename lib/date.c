/*
 * date.c - civil dates <-> day numbers (the proleptic Gregorian calendar,
 * after Howard Hinnant's days_from_civil algorithm).
 */
#include <time.h>

#include "date.h"

aipi_date aipi_date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void ymd_from_days(aipi_date z, int *y, int *m, int *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : days[m - 1];
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int aipi_date_parse(const char *s, size_t n, aipi_date *out)
{
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < AIPI_DATE_MIN_YEAR || y > AIPI_DATE_MAX_YEAR || m < 1 || m > 12
        || d < 1 || d > days_in_month(y, m))
        return -1;
    *out = aipi_date_from_ymd(y, m, d);
    return 0;
}

void aipi_date_format(aipi_date day, char buf[11])
{
    int y, m, d;
    ymd_from_days(day, &y, &m, &d);
    if (y < 0 || y > 9999)
        y = m = d = 0;   /* unreachable for dates the library accepts */
    const int parts[3] = { y, m, d }, widths[3] = { 4, 2, 2 };
    char *p = buf;
    for (int i = 0; i < 3; i++) {
        for (int k = widths[i] - 1, v = parts[i]; k >= 0; k--, v /= 10)
            p[k] = (char)('0' + v % 10);
        p += widths[i];
        *p++ = i < 2 ? '-' : '\0';
    }
}

aipi_date aipi_date_today(void)
{
    time_t now = time(NULL);
    return (aipi_date)(now / 86400);
}

