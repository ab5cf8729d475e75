/* What the store's callers and every backend share without a database: the
 * conversation states' names and the clear functions of the owned lists and
 * packets (store.h). */
#include "store.h"

#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {
    [CONV_BOT] = "bot",
    [CONV_QUEUED] = "queued",
    [CONV_AGENT] = "agent",
    [CONV_CLOSED] = "closed",
};

const char *
conv_state_name(conv_state s)
{
	return (unsigned)s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s] : NULL;
}

bot_err
conv_state_parse(const char *name, conv_state *out)
{
	for (size_t i = 0; name && i < sizeof(state_names) / sizeof(state_names[0]); i++) {
		if (!strcmp(name, state_names[i])) {
			*out = (conv_state)i;
			return BOT_OK;
		}
	}
	return BOT_ERR_INVAL;
}

void
store_queue_list_clear(store_queue_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->items[i].preview);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

void
store_id_list_clear(store_id_list *list)
{
	free(list->ids);
	memset(list, 0, sizeof(*list));
}

void
store_packet_clear(store_packet *p)
{
	free(p->accounts);
	free((char *)p->reason);
	free((char *)p->intent);
	free((char *)p->slots_json);
	free((char *)p->attachments_json);
	for (size_t i = 0; i < p->n_transcript; i++) {
		store_line *l = &p->transcript[i];
		free((char *)l->sender);
		free((char *)l->text);
		free((char *)l->intent);
		free((char *)l->agent_name);
	}
	free(p->transcript);
	for (size_t i = 0; i < p->n_notes; i++) {
		free((char *)p->notes[i].agent);
		free((char *)p->notes[i].text);
	}
	free(p->notes);
	memset(p, 0, sizeof(*p));
}
