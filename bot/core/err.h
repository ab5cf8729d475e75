/* One return-code enum for every module: BOT_OK is zero, errors are positive. */
#ifndef BOT_ERR_H
#define BOT_ERR_H

typedef enum bot_err {
	BOT_OK = 0,
	BOT_ERR_NOMEM,     /* allocation failed */
	BOT_ERR_INVAL,     /* bad argument or malformed input */
	BOT_ERR_IO,        /* file or socket I/O failed */
	BOT_ERR_PARSE,     /* JSON, configuration or pattern did not parse */
	BOT_ERR_NOT_FOUND, /* no such row, file or key */
	BOT_ERR_DB,        /* the database reported an error */
	BOT_ERR_AUTH,      /* token or secret refused */
	BOT_ERR_FORBIDDEN, /* authenticated but not allowed */
	BOT_ERR_LIMIT,     /* a size, rate or count limit was hit */
	BOT_ERR_CONFLICT,  /* someone else got there first */
	BOT_ERR_TEMPLATE,  /* an answer template referenced a missing field */
} bot_err;

/* Returns a static, human-readable name for the code. */
const char *bot_strerror(bot_err err);

#endif
