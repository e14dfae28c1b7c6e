// SPDX-License-Identifier: GPL-2.0
/*
 * 's': the selected packet as a session file with one journey, a readable text beside it, and
 * its captured bytes as pcapng when it has some (skbtop -w).
 */
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/outputs/capture.h"
#include "core/outputs/export.h"
#include "core/base/file_atomic.h"
#include "ui/ui_int.h"

struct text_arg {
	const struct journey *j;
	struct ui *ui;
};

static int fill_text(FILE *f, void *arg)
{
	struct text_arg *t = arg;

	return vm__write_text(f, t->j, t->ui->names, t->ui->cfg, t->ui->wall_off_ns) ? -EIO : 0;
}

void ui__save(struct ui *ui, const char *path)
{
	const struct journey *j = ui__selected(ui);
	struct export_meta meta = { .backend = ui->feed->backend };
	char txt[PATH_MAX], pcap[PATH_MAX];
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
		len -= 5;
	snprintf(txt, sizeof(txt), "%.*s.txt", (int)len, path);
	snprintf(pcap, sizeof(pcap), "%.*s.pcapng", (int)len, path);
	err = file__write_atomic(txt, 0600, fill_text, &(struct text_arg){ j, ui });
	if (err)
		ui__status(ui, "saved packet #%" PRIu64 " to %s; text %s failed: %s", j->id, path,
			   txt, strerror(-err));
	else if (!j->n_caps)
		ui__status(ui, "saved packet #%" PRIu64 " to %s and %s", j->id, path, txt);
	else if (capture__save(pcap, ui->store, j, ui->names, ui->cfg, ui->wall_off_ns))
		ui__status(ui, "saved packet #%" PRIu64 " to %s and %s; %s failed", j->id, path,
			   txt, pcap);
	else
		ui__status(ui, "saved packet #%" PRIu64 " to %s, %s and %s", j->id, path, txt,
			   pcap);
}
