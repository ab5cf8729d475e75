/* Declarations shared by the slot canonicalisers (slot.c, slot_dates.c);
 * not part of the slot interface. */
#ifndef BOT_SLOT_INT_H
#define BOT_SLOT_INT_H

#include <string.h>

/* Longer captures are cut: a period or month phrase is a few words. Every
 * compacted capture buffer holds COMPACT_MAX bytes. */
#define COMPACT_MAX 256

/* Whether S holds any of the NULL-terminated WORDS. */
static inline int
has_any(const char *s, const char *const *words)
{
	for (; *words; words++) {
		if (strstr(s, *words))
			return 1;
	}
	return 0;
}

#endif
