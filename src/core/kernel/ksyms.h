/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel text symbols by address, from /proc/kallsyms: what names a drop's location. The kernel
 * formats a line per symbol as the file is read, 40 ms for 120,000 symbols on a real machine and
 * about a second of an emulated guest's CPU, so a live session reads it on a thread of its own
 * while its BPF objects load: the first drop must not hold up the decoder while the queue
 * behind it fills.
 */
#ifndef SKBTOP_KSYMS_H
#define SKBTOP_KSYMS_H

#include <stdint.h>
#include <stdio.h>

struct ksyms;

/*
 * Starts reading path on a thread of its own (or, when no thread can start, reads it here).
 * NULL only when out of memory.
 */
struct ksyms *ksyms__read(const char *path);
/* The symbols of f's lines, read here: for the caller that has the text already. */
struct ksyms *ksyms__from_file(FILE *f);
/* Waits for the read to end: 0, or the errno that stopped it (the table is then empty). */
int ksyms__wait(struct ksyms *k);
/*
 * The text symbol at or below addr and addr's offset from it; NULL when none is (addr 0, below
 * the first symbol, or nothing read). Waits for the read if it is not done.
 */
const char *ksyms__find(struct ksyms *k, uint64_t addr, uint64_t *off);
size_t ksyms__count(struct ksyms *k);
/* The i-th symbol in address order (i below ksyms__count), its address in *addr. */
const char *ksyms__at(struct ksyms *k, size_t i, uint64_t *addr);
void ksyms__free(struct ksyms *k);

#endif /* SKBTOP_KSYMS_H */
