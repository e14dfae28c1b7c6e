// SPDX-License-Identifier: GPL-2.0
/* 's': the selected packet as a session file with one journey, and a readable text beside it. */
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/export.h"
#include "ui/ui_int.h"

/* The text companion is written like the JSON: a temp file renamed into place, mode 0600. */
static int write_text(const char *path, const struct journey *j, struct ui *ui)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	fchmod(fd, 0600);
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		unlink(tmp);
		return err;
	}
	if (vm__write_text(f, j, ui->names, ui->cfg, ui->wall_off_ns) || fflush(f) ||
	    fsync(fileno(f)))
		err = errno ? -errno : -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

void ui__save(struct ui *ui, const char *path)
{
	const struct journey *j = ui__selected(ui);
	struct export_meta meta = { .backend = ui->feed->backend };
	char txt[PATH_MAX];
	size_t len = strlen(path);
	int err;

	if (!j) {
		ui__status(ui, "nothing saved: no packet selected");
		return;
	}
	if (!len) {
		ui__status(ui, "nothing saved: no file name");
		return;
	}
	errno = 0;
	if (export__journey(path, ui->store, j, ui->names, ui->cfg, &meta)) {
		ui__status(ui, "could not save %s: %s", path, errno ? strerror(errno) : "error");
		return;
	}
	if (len > 5 && !strcmp(path + len - 5, ".json"))
		snprintf(txt, sizeof(txt), "%.*s.txt", (int)(len - 5), path);
	else
		snprintf(txt, sizeof(txt), "%s.txt", path);
	err = write_text(txt, j, ui);
	if (err)
		ui__status(ui, "saved packet #%" PRIu64 " to %s; text %s failed: %s", j->id, path,
			   txt, strerror(-err));
	else
		ui__status(ui, "saved packet #%" PRIu64 " to %s and %s", j->id, path, txt);
}
