// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "core/nft/nft_exec.h"
#include "core/base/clock.h"

static unsigned int timeout_ms = NFT_EXEC_TIMEOUT_MS;

void nft_exec__set_timeout(unsigned int ms)
{
	timeout_ms = ms;
}

int nft_exec__find(const char *configured, char *buf, size_t len, char *err, size_t errlen)
{
	static const char *const paths[] = { "/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft",
					     "/bin/nft" };

	if (configured && *configured) {
		if (configured[0] != '/') {
			snprintf(err, errlen, "nft.path '%s' is not an absolute path", configured);
			return -1;
		}
		snprintf(buf, len, "%s", configured);
		return 0;
	}
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!access(paths[i], X_OK)) {
			snprintf(buf, len, "%s", paths[i]);
			return 0;
		}
	snprintf(err, errlen, "nft not found (looked in " NFT_EXEC_PATHS "; nft.path names it)");
	return -1;
}

/* The child: its own process group (so a timeout kills what it started too), then nft. */
static void child(int nsfd, char *const argv[], int in, int out, int err)
{
	setpgid(0, 0);
	if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET))
		_exit(126);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(126);
	execv(argv[0], argv);
	_exit(127);
}

/*
 * vfork, not fork: a fork write-protects every page of skbtop for copy-on-write, and each page
 * skbtop then writes faults once, thousands while start-up reads the kernel's BTF beside an nft
 * run. The child only calls what it may before exec. Its own function, so that no variable of
 * the caller lives across the vfork.
 */
static __attribute__((noinline)) pid_t spawn(int nsfd, char *const argv[], int in, int out, int err)
{
	pid_t pid = vfork();

	if (pid == 0)
		child(nsfd, argv, in, out, err);
	return pid;
}

/* Appends what fd has to buf (up to cap bytes kept); returns 0 at its end. */
static int drain(int fd, char *buf, size_t *len, size_t cap)
{
	char scratch[4096];
	ssize_t n;

	if (*len < cap)
		n = read(fd, buf + *len, cap - *len);
	else
		n = read(fd, scratch, sizeof(scratch));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (n > 0 && *len < cap)
		*len += (size_t)n;
	return n > 0;
}

/* Writes what is left of input to fd; returns 0 once all is written or nft stopped reading. */
static int feed(int fd, const char **input, size_t *left)
{
	ssize_t n = write(fd, *input, *left);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	*input += n;
	*left -= (size_t)n;
	return *left > 0;
}

int nft_exec__run(int nsfd, char *const argv[], const char *input, size_t max_out,
		  struct nft_exec_result *r)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 }, status = 0, rc = -1;
	size_t out_len = 0, err_len = 0, left = input ? strlen(input) : 0;
	sigset_t pipe_set, old;
	int64_t deadline;
	pid_t pid = -1, done = 0;
	bool late;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	if (!argv[0] || argv[0][0] != '/') {
		snprintf(r->err, sizeof(r->err), "nft not found");
		return -1;
	}
	r->out = malloc(max_out + 1);
	if (!r->out || pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
		snprintf(r->err, sizeof(r->err), "cannot run nft: %s", strerror(errno));
		goto out;
	}
	/* A broken pipe (nft died before reading its input) must not kill skbtop. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	pid = spawn(nsfd, argv, in[0], out[1], err[1]);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	in[0] = out[1] = err[1] = -1;
	if (pid < 0) {
		snprintf(r->err, sizeof(r->err), "cannot run nft: %s", strerror(errno));
		goto unblock;
	}
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	if (!left) {
		close(in[1]);
		in[1] = -1;
	}
	deadline = (int64_t)clock__ms() + timeout_ms;
	while (out[0] >= 0 || err[0] >= 0) {
		struct pollfd p[3] = { { out[0], POLLIN, 0 },
				       { err[0], POLLIN, 0 },
				       { in[1], POLLOUT, 0 } };
		int64_t wait = deadline - (int64_t)clock__ms();

		if (wait <= 0 || (poll(p, 3, (int)wait) < 0 && errno != EINTR))
			break;
		if (p[0].revents && !drain(out[0], r->out, &out_len, max_out)) {
			close(out[0]);
			out[0] = -1;
		}
		if (p[1].revents && !drain(err[0], r->err, &err_len, sizeof(r->err) - 1)) {
			close(err[0]);
			err[0] = -1;
		}
		if (p[2].revents && !feed(in[1], &input, &left)) {
			close(in[1]);
			in[1] = -1;
		}
	}
	r->out[out_len] = 0;
	r->err[err_len] = 0;
	r->err[strcspn(r->err, "\n")] = 0;
	/* Its output closed, nft may still be at work: it gets what is left of its time. */
	while (out[0] < 0 && err[0] < 0 && !(done = waitpid(pid, &status, WNOHANG)) &&
	       (int64_t)clock__ms() < deadline)
		nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
	late = done != pid;
	if (late) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (late) {
		snprintf(r->err, sizeof(r->err), "%s did not finish in %u ms and was stopped",
			 argv[0], timeout_ms);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		snprintf(r->err, sizeof(r->err), "%s could not be run", argv[0]);
	} else if (WIFEXITED(status)) {
		r->status = WEXITSTATUS(status);
		rc = r->status ? -1 : 0;
	} else {
		snprintf(r->err, sizeof(r->err), "%s was killed by signal %d", argv[0],
			 WTERMSIG(status));
	}
unblock : {
	/* A SIGPIPE our writes raised is taken here, not left to kill us once unblocked. */
	struct timespec zero = { 0, 0 };

	while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
		;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	if (pid < 0 && r->out) {
		free(r->out);
		r->out = NULL;
	}
	return rc;
}
