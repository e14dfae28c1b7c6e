// SPDX-License-Identifier: GPL-2.0
/* The pickers behind 'l' (layer), 'v' (fate or verdict) and '>' (sort): a list over the panes. */
#include <stdio.h>

#include "ui/draw.h"
#include "ui/ui_int.h"

size_t ui__picker_len(const struct ui *ui)
{
	if (ui->picker == PICK_SORT)
		return VMS_COUNT;
	return ui->picker == PICK_LAYER ? (size_t)ui->layers.n + 1 : VMV_COUNT;
}

void ui__picker_item(const struct ui *ui, size_t i, char *buf, size_t len, bool *current)
{
	if (ui->picker == PICK_SORT) {
		snprintf(buf, len, "%s", vm_sort__name((enum vm_sort_key)i));
		*current = (size_t)ui->sort.key == i;
		return;
	}
	if (ui->picker == PICK_VERDICT) {
		snprintf(buf, len, "%s",
			 i ? vm_verdict__name((enum vm_verdict)i) : "any fate or verdict");
		*current = (size_t)ui->filter.verdict == i;
		return;
	}
	if (!i) {
		snprintf(buf, len, "any layer");
	} else {
		char pk[32];

		vm__fmt_count(ui->layers.rows[i - 1].packets, pk, sizeof(pk));
		snprintf(buf, len, "%-12s %8s pkts", vm__layer_name(ui->cfg, (int)i - 1), pk);
	}
	*current = ui->filter.layer == (int)i - 1;
}

unsigned ui__picker_choose(struct ui *ui, size_t i)
{
	if (ui->picker == PICK_SORT) {
		/* A new key starts in its natural order; choosing the same one again keeps it. */
		if ((size_t)ui->sort.key != i)
			ui->sort.invert = false;
		ui->sort.key = (enum vm_sort_key)i;
		ui->mode = ui->back_mode;
		return UI_HANDLED | UI_REDRAW | UI_REORDER;
	}
	if (ui->picker == PICK_VERDICT)
		ui->filter.verdict = (enum vm_verdict)i;
	else
		ui->filter.layer = (int)i - 1;
	ui->mode = ui->back_mode;
	return UI_HANDLED | UI_REDRAW | UI_REFILTER;
}

void ui__picker_start(struct ui *ui, enum picker_kind kind)
{
	ui->picker = kind;
	ui->back_mode = ui->mode;
	ui->mode = MODE_PICKER;
	ui->picker_sc.sel = kind == PICK_SORT	   ? (size_t)ui->sort.key
			    : kind == PICK_VERDICT ? (size_t)ui->filter.verdict
						   : (size_t)(ui->filter.layer + 1);
	ui->picker_sc.top = 0;
}

static struct rect area(const struct ui *ui)
{
	return layout__popup(&ui->lay, 40, (int)ui__picker_len(ui) + 2);
}

static void draw(struct ui *ui, const struct rect *r, bool focused)
{
	struct rect box = area(ui), in;
	size_t n = ui__picker_len(ui), page = box.h > 2 ? (size_t)box.h - 2 : 1;

	(void)r;
	in = draw_frame(&box,
			ui->picker == PICK_SORT	   ? "Sort packets by"
			: ui->picker == PICK_LAYER ? "Filter by layer"
						   : "Filter by fate or verdict",
			focused);
	scroll__clamp(&ui->picker_sc, n, page);
	for (size_t i = ui->picker_sc.top; i < n && i - ui->picker_sc.top < page; i++) {
		char item[96], line[112];
		bool cur;

		ui__picker_item(ui, i, item, sizeof(item), &cur);
		/* Cursor and current choice are marked in text, so they read without colour. */
		snprintf(line, sizeof(line), "%s%s %s",
			 i == ui->picker_sc.sel ? (ui->utf8 ? "▸" : ">") : " ", cur ? "*" : " ",
			 item);
		draw_text(in.y + (int)(i - ui->picker_sc.top), in.x, in.w,
			  i == ui->picker_sc.sel ? ROLE_SEL : ROLE_NORMAL, line, true);
	}
}

static unsigned handle(struct ui *ui, enum action a)
{
	struct rect box = area(ui);
	size_t page = box.h > 2 ? (size_t)box.h - 2 : 1;

	if (a == ACT_OPEN)
		return ui__picker_choose(ui, ui->picker_sc.sel);
	if (scroll__apply(&ui->picker_sc, a, ui__picker_len(ui), page))
		return UI_HANDLED | UI_REDRAW;
	return a >= ACT_UP && a <= ACT_END ? UI_HANDLED : 0;
}

unsigned ui__picker_click(struct ui *ui, int x, int y)
{
	struct rect box = area(ui);
	size_t i;

	if (!rect__contains(&box, x, y)) {
		ui->mode = ui->back_mode;
		return UI_HANDLED | UI_REDRAW;
	}
	if (y <= box.y || y >= box.y + box.h - 1)
		return UI_HANDLED;
	i = ui->picker_sc.top + (size_t)(y - box.y - 1);
	return i < ui__picker_len(ui) ? ui__picker_choose(ui, i) : UI_HANDLED;
}

const struct view view_picker = { draw, handle };
