/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SKBTOP_CMDS_H
#define SKBTOP_CMDS_H

/* Each takes the arguments after the subcommand name (argv[0] is the subcommand). */
int cmd_trace(int argc, char **argv);	 /* default: the TUI, or --stream */
int cmd_discover(int argc, char **argv); /* skbtop discover */
int cmd_replay(int argc, char **argv);	 /* skbtop replay FILE */

#define SKBTOP_VERSION "0.1.0"

/* Exit statuses shared by every command. */
#define EXIT_USAGE 2 /* bad arguments, bad configuration, bad filter */

#endif
