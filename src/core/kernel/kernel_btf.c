// SPDX-License-Identifier: GPL-2.0
#include "core/kernel/kernel_btf.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static struct btf *vmlinux;
static int vmlinux_err;

/*
 * Kernels from 6.16 map /sys/kernel/btf/vmlinux: one copy into the parsed BTF instead of a read a
 * page at a time into a buffer and a copy of that buffer. Start-up waits for it, and where each
 * first touch of a page is slow (a virtual machine whose memory the host backs lazily) half the
 * pages is felt. NULL where the file cannot be mapped: the caller reads it.
 */
static struct btf *map_vmlinux(void)
{
	struct btf *btf = NULL;
	struct stat st;
	void *data;
	int fd = open(KERNEL_BTF_DIR "/vmlinux", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && st.st_size > 0) {
		data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (data != MAP_FAILED) {
			btf = btf__new(data, (__u32)st.st_size);
			munmap(data, (size_t)st.st_size);
		}
	}
	close(fd);
	return btf;
}

struct btf *kernel_btf__vmlinux(void)
{
	if (!vmlinux && !vmlinux_err) {
		vmlinux = map_vmlinux();
		if (!vmlinux)
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

void kernel_btf__drop_unloaded(struct bpf_object *obj)
{
	struct bpf_program *p;
	struct bpf_map *m;

	bpf_object__for_each_program(p, obj) bpf_program__set_autoload(p, false);
	bpf_object__for_each_map(m, obj) bpf_map__set_autocreate(m, false);
	bpf_object__load(obj);
}

void kernel_btf__release(void)
{
	btf__free(vmlinux);
	vmlinux = NULL;
	vmlinux_err = 0;
}
