/* Unit tests of the unmasked-frame guard (bot/wsguard.c): its recv() on a
 * socketpair, read the way libwebsockets reads, for HTTP header blocks and
 * WebSocket frames. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "wsguard.h"

static int sv[2]; /* sv[0]: the server's end, read with recv(); sv[1]: the peer */

static int
setup(void **state)
{
	(void)state;
	return socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
}

static int
teardown(void **state)
{
	(void)state;
	close(sv[0]);
	close(sv[1]);
	return 0;
}

static void
put(const void *p, size_t n)
{
	assert_int_equal(write(sv[1], p, n), (ssize_t)n);
}

static void
puts_(const char *s)
{
	put(s, strlen(s));
}

/* One client frame: opcode OP, LEN payload bytes of 'a', masked or not. */
static size_t
frame(unsigned char *out, int op, size_t len, int masked)
{
	size_t n = 0;
	out[n++] = (unsigned char)(0x80 | op);
	unsigned char m = masked ? 0x80 : 0;
	if (len < 126) {
		out[n++] = (unsigned char)(m | len);
	} else if (len < 65536) {
		out[n++] = m | 126;
		out[n++] = (unsigned char)(len >> 8);
		out[n++] = (unsigned char)len;
	} else {
		out[n++] = m | 127;
		for (int i = 7; i >= 0; i--)
			out[n++] = (unsigned char)((uint64_t)len >> (8 * i));
	}
	if (masked) {
		static const unsigned char key[4] = {0x11, 0x22, 0x33, 0x44};
		memcpy(out + n, key, 4);
		n += 4;
	}
	/* Payload bytes that would read as unmasked headers if they were
	 * taken for one: the guard must skip them. */
	memset(out + n, 0x01, len);
	n += len;
	return n;
}

/* Reads everything there is, at most CHUNK bytes per recv(). Returns the
 * bytes read, or -1 when a read failed (errno kept). */
static ssize_t
drain(size_t chunk)
{
	unsigned char buf[4096];
	ssize_t total = 0;
	for (;;) {
		ssize_t n = recv(sv[0], buf, chunk < sizeof(buf) ? chunk : sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return total;
		if (n <= 0)
			return n < 0 ? -1 : total;
		total += n;
	}
}

/* Empties the socket around the guard (recvfrom is not wrapped). */
static void
empty(void)
{
	unsigned char buf[4096];
	while (recvfrom(sv[0], buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL) > 0)
		;
}

static const char upgrade[] = "GET /ws/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
			      "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n";

static void
upgraded(void)
{
	assert_int_equal(wsguard_http(sv[0]), 0);
	puts_(upgrade);
	char buf[4096];
	assert_int_equal(recv(sv[0], buf, sizeof(buf), 0), (ssize_t)strlen(upgrade));
	wsguard_websocket(sv[0]);
}

static void
untracked_descriptors_pass_through(void **state)
{
	(void)state;
	/* A number no test enrolls. */
	assert_int_equal(dup2(sv[0], 900), 900);
	unsigned char f[64];
	size_t n = frame(f, 1, 10, 0);
	put(f, n);
	char buf[64];
	assert_int_equal(recv(900, buf, sizeof(buf), 0), (ssize_t)n);
	assert_false(wsguard_failed(900));
	close(900);
}

static void
http_reads_stop_at_the_end_of_a_header_block(void **state)
{
	(void)state;
	assert_int_equal(wsguard_http(sv[0]), 0);
	unsigned char f[64];
	size_t fl = frame(f, 1, 5, 1);
	puts_(upgrade);
	put(f, fl);
	char buf[4096];
	assert_int_equal(recv(sv[0], buf, sizeof(buf), 0), (ssize_t)strlen(upgrade));
	assert_memory_equal(buf, upgrade, strlen(upgrade));
	/* What followed the request is still there, read as framing. */
	wsguard_websocket(sv[0]);
	assert_int_equal(recv(sv[0], buf, sizeof(buf), 0), (ssize_t)fl);
	assert_false(wsguard_failed(sv[0]));
}

static void
header_block_ends_lws_accepts(void **state)
{
	(void)state;
	/* CRLF, bare LF and mixed line ends, each followed by more bytes. */
	const char *reqs[] = {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", "GET / HTTP/1.1\nHost: a\n\n",
			      "GET / HTTP/1.1\r\nHost: a\r\n\n", "GET / HTTP/1.1\nHost: a\n\r\n",
			      "GET / HTTP/1.0\r\n\r\n"};
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		assert_int_equal(wsguard_http(sv[0]), 0);
		puts_(reqs[i]);
		puts_("XYZ");
		char buf[256];
		assert_int_equal(recv(sv[0], buf, sizeof(buf), 0), (ssize_t)strlen(reqs[i]));
		assert_int_equal(recv(sv[0], buf, sizeof(buf), 0), 3);
	}
}

static void
a_header_end_split_across_reads_is_found(void **state)
{
	(void)state;
	assert_int_equal(wsguard_http(sv[0]), 0);
	char buf[256];
	const char *head = "GET / HTTP/1.1\r\nHost: a\r\n\r";
	puts_(head);
	assert_int_equal(recv(sv[0], buf, sizeof(buf), 0), (ssize_t)strlen(head));
	puts_("\nafter");
	assert_int_equal(recv(sv[0], buf, sizeof(buf), 0), 1);
	assert_int_equal(recv(sv[0], buf, sizeof(buf), 0), 5);
}

static void
pipelined_requests_are_read_one_header_block_at_a_time(void **state)
{
	(void)state;
	assert_int_equal(wsguard_http(sv[0]), 0);
	const char *a = "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";
	puts_(a);
	puts_(upgrade);
	char buf[4096];
	assert_int_equal(recv(sv[0], buf, sizeof(buf), 0), (ssize_t)strlen(a));
	assert_int_equal(recv(sv[0], buf, sizeof(buf), 0), (ssize_t)strlen(upgrade));
}

static void
masked_frames_pass_in_any_chunking(void **state)
{
	(void)state;
	static unsigned char f[200000];
	size_t sizes[] = {0, 1, 125, 126, 300, 65535, 65536, 70000};
	size_t chunks[] = {1, 2, 3, 7, 13, 4096};
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		upgraded();
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			size_t n = frame(f, 1, sizes[i], 1);
			n += frame(f + n, 0x9, 5, 1); /* a ping between them */
			put(f, n);
			assert_int_equal(drain(chunks[c]), (ssize_t)n);
		}
		assert_false(wsguard_failed(sv[0]));
	}
}

static void
an_unmasked_frame_fails_the_read_and_every_later_one(void **state)
{
	(void)state;
	upgraded();
	unsigned char f[64];
	size_t n = frame(f, 1, 15, 1);
	n += frame(f + n, 1, 15, 0); /* a masked frame, then an unmasked one */
	put(f, n);
	char buf[4096];
	errno = 0;
	assert_int_equal(recv(sv[0], buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, EPROTO);
	assert_true(wsguard_failed(sv[0]));
	puts_("more");
	assert_int_equal(recv(sv[0], buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, EPROTO);
	/* The number, reused for a new connection, starts clean. */
	assert_int_equal(wsguard_http(sv[0]), 0);
	assert_false(wsguard_failed(sv[0]));
}

static void
an_unmasked_header_split_after_its_first_byte_fails(void **state)
{
	(void)state;
	upgraded();
	unsigned char f[64];
	size_t n = frame(f, 1, 3, 0);
	char buf[64];
	put(f, 1);
	assert_int_equal(recv(sv[0], buf, sizeof(buf), 0), 1);
	put(f + 1, n - 1);
	assert_int_equal(recv(sv[0], buf, sizeof(buf), 0), -1);
	assert_true(wsguard_failed(sv[0]));
}

static void
unmasked_frames_with_long_lengths_fail(void **state)
{
	(void)state;
	static unsigned char f[80000];
	size_t sizes[] = {126, 70000};
	for (size_t i = 0; i < 2; i++) {
		upgraded();
		size_t n = frame(f, 1, 4, 1);
		n += frame(f + n, 2, sizes[i], 0);
		put(f, n);
		assert_int_equal(drain(4096), -1);
		assert_true(wsguard_failed(sv[0]));
		empty(); /* for the next round */
	}
}

static void
the_end_of_the_stream_is_passed_on(void **state)
{
	(void)state;
	upgraded();
	close(sv[1]);
	char buf[16];
	assert_int_equal(recv(sv[0], buf, sizeof(buf), 0), 0);
	sv[1] = socket(AF_UNIX, SOCK_STREAM, 0); /* for teardown */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(untracked_descriptors_pass_through, setup, teardown),
		cmocka_unit_test_setup_teardown(http_reads_stop_at_the_end_of_a_header_block, setup,
						teardown),
		cmocka_unit_test_setup_teardown(header_block_ends_lws_accepts, setup, teardown),
		cmocka_unit_test_setup_teardown(a_header_end_split_across_reads_is_found, setup,
						teardown),
		cmocka_unit_test_setup_teardown(pipelined_requests_are_read_one_header_block_at_a_time,
						setup, teardown),
		cmocka_unit_test_setup_teardown(masked_frames_pass_in_any_chunking, setup, teardown),
		cmocka_unit_test_setup_teardown(an_unmasked_frame_fails_the_read_and_every_later_one,
						setup, teardown),
		cmocka_unit_test_setup_teardown(an_unmasked_header_split_after_its_first_byte_fails,
						setup, teardown),
		cmocka_unit_test_setup_teardown(unmasked_frames_with_long_lengths_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(the_end_of_the_stream_is_passed_on, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
