// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "stream.h"

int stream_format__parse(const char *s, enum stream_format *fmt)
{
	if (!strcmp(s, "text"))
		*fmt = STREAM_TEXT;
	else if (!strcmp(s, "json"))
		*fmt = STREAM_JSON;
	else
		return -1;
	return 0;
}

void stream__event(const struct stream *st, const struct journey *j, const void *rec, size_t size)
{
	(void)st, (void)j, (void)rec, (void)size;
}

void stream__jevent(const struct stream *st, const struct journey *j, const struct jevent *e)
{
	(void)st, (void)j, (void)e;
}

void stream__stats(const struct stream *st, const struct store *s)
{
	(void)st, (void)s;
}
