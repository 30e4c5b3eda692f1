/*
 * cmd_export.h - "aipolicy export": the rules in another engine's format.
 */
#ifndef AIPOLICY_CMD_EXPORT_H
#define AIPOLICY_CMD_EXPORT_H

/* argv holds the arguments after "export"; data is the --data directory or
 * NULL. Returns the process exit code. */
int aipolicy_cmd_export(const char *data, int argc, char **argv);

#endif
