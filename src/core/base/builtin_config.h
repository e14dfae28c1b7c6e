/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SKBTOP_BUILTIN_CONFIG_H
#define SKBTOP_BUILTIN_CONFIG_H

/* NUL-terminated copies of config/skbtop.yaml and config/layers.yaml; *_end points at the NUL. */
extern const char skbtop_builtin_yaml[], skbtop_builtin_yaml_end[];
extern const char skbtop_builtin_layers_yaml[], skbtop_builtin_layers_yaml_end[];

#endif
