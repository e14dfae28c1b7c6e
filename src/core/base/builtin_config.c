// SPDX-License-Identifier: GPL-2.0
/* The YAML files under config/, compiled in so an installed skbtop runs with no file on disk. */
#include "core/base/builtin_config.h"

#define INCBIN(sym, file)                                                                          \
	__asm__(".section .rodata\n"                                                               \
		".global " #sym "\n"                                                               \
		".type " #sym ", @object\n"                                                        \
		".balign 16\n" #sym ":\n"                                                          \
		".incbin \"" SKBTOP_CONFIG_DIR "/" file "\"\n"                                     \
		".global " #sym "_end\n" #sym "_end:\n"                                            \
		".byte 0\n"                                                                        \
		".previous\n")

INCBIN(skbtop_builtin_yaml, "skbtop.yaml");
INCBIN(skbtop_builtin_layers_yaml, "layers.yaml");
