/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SKBTOP_UI_CHROME_H
#define SKBTOP_UI_CHROME_H

#include "ui/ui_int.h"

void chrome__header(struct ui *ui);
/* Key hints of the current mode from the key table, a prompt, or a status message. */
void chrome__footer(struct ui *ui);
void chrome__too_small(int cols, int rows);

#endif /* SKBTOP_UI_CHROME_H */
