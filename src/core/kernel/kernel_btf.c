// SPDX-License-Identifier: GPL-2.0
#include "core/kernel/kernel_btf.h"

#include <bpf/btf.h>
#include <errno.h>
#include <string.h>

static struct btf *vmlinux;
static int vmlinux_err;

struct btf *kernel_btf__vmlinux(void)
{
	if (!vmlinux && !vmlinux_err) {
		vmlinux = btf__load_vmlinux_btf();
		if (!vmlinux)
			vmlinux_err = errno ? errno : ENOENT;
	}
	if (!vmlinux)
		errno = vmlinux_err;
	return vmlinux;
}

struct btf *kernel_btf__open(const char *path, bool *owned)
{
	*owned = strcmp(path, KERNEL_BTF_DIR "/vmlinux") != 0;
	return *owned ? btf__parse(path, NULL) : kernel_btf__vmlinux();
}

void kernel_btf__release(void)
{
	btf__free(vmlinux);
	vmlinux = NULL;
	vmlinux_err = 0;
}
