#!/bin/sh
# tests/headertest.sh - <aipolicy.h> is self-contained and clean: it compiles
# alone as strict C99 (-pedantic -Werror) and, when g++ is present, as C++.
# Exit status: 0 pass, 1 fail.

srcdir=${AIP_TEST_SRCDIR:-.}
builddir=${AIP_TEST_BUILDDIR:-.}
cc=${AIP_TEST_CC:-${CC:-cc}}
cxx=${AIP_TEST_CXX:-g++}
me=headertest
incs="-I$srcdir/include -I$builddir/include"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aip-headertest.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/ht.c" <<'EOT'
#include <aipolicy.h>
#include <aipolicy.h> /* include guard */

#if !AIP_VERSION_AT_LEAST(0, 0, 0) || AIP_VERSION_AT_LEAST(1000, 0, 0)
#error "AIP_VERSION_AT_LEAST is wrong"
#endif
#if AIP_VERSION_NUMBER != AIP_VERSION_MAJOR * 10000 + AIP_VERSION_MINOR * 100 + AIP_VERSION_PATCH
#error "AIP_VERSION_NUMBER is wrong"
#endif
#if AIP_SCHEMA_VERSION != 1
#error "unexpected AIP_SCHEMA_VERSION"
#endif

typedef char aip_headertest_ok_[sizeof(AIP_VERSION) > 5 ? 1 : -1];

int aip_headertest_(const aip_query *q, aip_result **out);
int aip_headertest_(const aip_query *q, aip_result **out)
{
    aip_allocator a = { 0, 0 };
    (void)a;
    return q ? aip_classify(q, out, (aip_error **)0) : AIP_EINVAL;
}
EOT

status=0
summary=

if $cc -std=c99 -pedantic -Wall -Wextra -Werror -Wstrict-prototypes \
       $incs -c "$tmp/ht.c" -o "$tmp/ht-c.o"; then
    summary="C99 ok"
else
    echo "$me: FAIL: <aipolicy.h> does not compile as C99 with: $cc -std=c99 -pedantic -Wall -Wextra -Werror"
    summary="C99 FAILED"
    status=1
fi

if command -v "$cxx" > /dev/null 2>&1; then
    if $cxx -x c++ -Wall -Wextra -Werror $incs -c "$tmp/ht.c" -o "$tmp/ht-cxx.o"; then
        summary="$summary, C++ ok"
    else
        echo "$me: FAIL: <aipolicy.h> does not compile as C++ with: $cxx -x c++ -Wall -Wextra -Werror"
        summary="$summary, C++ FAILED"
        status=1
    fi
else
    summary="$summary, C++ skipped ($cxx not found)"
fi

if test $status -eq 0; then
    echo "$me: PASS: $summary"
else
    echo "$me: FAIL: $summary"
fi
exit $status
