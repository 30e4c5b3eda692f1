/*
 * cli.h - what the commands of the aipolicy tool share.
 *
 * tools/aipolicy.c (main, dispatch) defines the error helpers, tools/cli.c
 * the option and query helpers; each command lives in tools/cmd_*.c. Every
 * helper that can fail prints its message on stderr and returns the exit
 * code to use, so a command can simply `return` it.
 */
#ifndef AIP_TOOLS_CLI_H
#define AIP_TOOLS_CLI_H

#include <stddef.h>

#include <aipolicy.h>

/* Exit codes (0 is success): the list is in --help and doc/aipolicy.1. */
enum { EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_IO = 3, EXIT_INTERNAL = 4 };

/* ---- tools/aipolicy.c ------------------------------------------------------ */

/* Prints "aipolicy: <fmt with arg>" and a hint; returns EXIT_USAGE. */
int  usage_error(const char *fmt, const char *arg);
/* The exit code for an aip_status. */
int  exit_code_for(int status);
/* Prints "file:line:column: path: message" (the parts that are known). */
void print_error(const aip_error *err);
/* Prints err (or the status) on stderr, frees err; returns the exit code. */
int  fail_with(int rc, aip_error *err);
/* Loads the knowledge of --data (NULL: the default); 0 or an exit code. */
int  load_kb(const char *data, aip_kb **kb);

/* ---- tools/cli.c -------------------------------------------------------------- */

/* For an option taking a value at argv[*i]: stores argv[*i + 1] in *value
 * and advances *i; a usage error when the value is missing. */
int cli_option_value(int argc, char **argv, int *i, const char **value);
/* 0 when lang is "en" or "fr", else a usage error. */
int cli_check_lang(const char *lang);
/* A new query (*out, freed with aip_query_free) holding PROFILE (NULL: no
 * fact) and dated `date` when not NULL. */
int cli_load_query(aip_kb *kb, const char *profile, const char *date,
                   aip_query **out);
/* Sets the as-of date; a usage error naming `date` when it is not valid. */
int cli_set_date(aip_query *q, const char *date);
/* Classifies q into *out (aip_result_free). */
int cli_classify(const aip_query *q, aip_result **out);
/* For a library call that returned an owned string: on AIP_OK writes it to
 * stdout and frees it, otherwise reports rc. Returns the exit code. */
int cli_print_owned(int rc, char *text, size_t len);

/* ---- the commands (tools/cmd_*.c) ---------------------------------------------- */

int cmd_ask(const char *data, int argc, char **argv);
int cmd_explain(const char *data, int argc, char **argv);
int cmd_diff(const char *data, int argc, char **argv);

#endif
