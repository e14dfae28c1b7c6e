// SPDX-License-Identifier: GPL-2.0
/*
 * Linked into the static binary only. Debian's libpcap.a brings libdbus, which calls two
 * systemd functions for socket activation; Debian ships no static libsystemd. skbtop never uses
 * D-Bus capture, so "no sockets were passed by systemd" is the true answer here.
 */
int sd_listen_fds(int unset_environment);
int sd_is_socket(int fd, int family, int type, int listening);

int sd_listen_fds(int unset_environment)
{
	(void)unset_environment;
	return 0;
}

int sd_is_socket(int fd, int family, int type, int listening)
{
	(void)fd;
	(void)family;
	(void)type;
	(void)listening;
	return 0;
}
