#include "err.h"

const char *
bot_strerror(bot_err err)
{
	switch (err) {
	case BOT_OK: return "ok";
	case BOT_ERR_NOMEM: return "out of memory";
	case BOT_ERR_INVAL: return "invalid input";
	case BOT_ERR_IO: return "i/o error";
	case BOT_ERR_PARSE: return "parse error";
	case BOT_ERR_NOT_FOUND: return "not found";
	case BOT_ERR_DB: return "database error";
	case BOT_ERR_AUTH: return "authentication failed";
	case BOT_ERR_FORBIDDEN: return "forbidden";
	case BOT_ERR_LIMIT: return "limit exceeded";
	case BOT_ERR_CONFLICT: return "conflict";
	case BOT_ERR_TEMPLATE: return "template error";
	}
	return "unknown error";
}
