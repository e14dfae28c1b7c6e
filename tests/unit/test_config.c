// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/discover/classify.h"
#include "core/kernel/backend.h"
#include "core/base/config.h"

#define DATA "tests/unit/data/"

static char err[1024];

static void builtin_defaults_hold_a_busy_host(void **state)
{
	struct config cfg;

	(void)state;
	assert_int_equal(config__parse(&cfg, NULL, NULL, 0, NULL, NULL, 0, err, sizeof(err)), 0);
	assert_string_equal(cfg.source, "built-in");
	assert_string_equal(cfg.layers_source, "built-in");
	assert_true(cfg.max_packets >= 1000);
	assert_true(cfg.max_events_per_packet >= 64);
	assert_int_equal(cfg.backend, BACKEND_AUTO);
	assert_true(cfg.ringbuf_kb >= 1024);
	assert_true(cfg.track_max >= 4096);
	assert_true(cfg.max_functions > 0);
	assert_int_equal(cfg.max_priority, PRIO_CRITICAL);
	assert_null(cfg.exclude);
	assert_int_equal(cfg.n_functions, 0);
	assert_null(cfg.filter_expr);
	assert_int_equal(cfg.filter_mark_mask, 0);
	assert_int_equal(cfg.nft_rules, NFT_RULES_TRACE_KEY);
	assert_null(cfg.nft_path);
	assert_int_equal(cfg.nft_timeout_ms, 5000);
	assert_int_equal(cfg.refresh_ms, 1000);
	assert_true(cfg.color);
	assert_true(cfg.n_layers >= 20);
	assert_true(cfg.n_rules >= 40);
	assert_true(cfg.n_guesses >= 1);
	assert_string_equal(cfg.layers[cfg.unknown_layer].name, "Unknown");
	config__free(&cfg);
}

static void builtin_layers_include_every_required_one(void **state)
{
	static const char *const required[] = {
		"Device", "GRO",	   "Netfilter", "NFT",	  "Conntrack", "IPv4",	 "IPv6",
		"ICMP",	  "ARP/Neighbour", "TCP",	"UDP",	  "Routing",   "Xmit",	 "SoftIRQ",
		"Bridge", "QDisc",	   "Tunnel",	"Socket", "XDP/BPF",   "Driver", "Unknown",
	};
	struct config cfg;

	(void)state;
	assert_int_equal(config__load(&cfg, DATA "good_empty.yaml", NULL, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (layer__find(&cfg, required[i]) < 0)
			fail_msg("layer %s missing", required[i]);
	}
	config__free(&cfg);
}

static void partial_file_overrides_only_its_keys(void **state)
{
	struct config def, cfg;

	(void)state;
	assert_int_equal(config__parse(&def, NULL, NULL, 0, NULL, NULL, 0, err, sizeof(err)), 0);
	assert_int_equal(config__load(&cfg, DATA "good_partial.yaml", NULL, err, sizeof(err)), 0);
	assert_string_equal(cfg.source, DATA "good_partial.yaml");
	assert_int_equal(cfg.max_packets, 500);
	assert_false(cfg.color);
	assert_int_equal(cfg.max_events_per_packet, def.max_events_per_packet);
	assert_int_equal(cfg.ringbuf_kb, def.ringbuf_kb);
	assert_int_equal(cfg.refresh_ms, def.refresh_ms);
	assert_int_equal(cfg.n_rules, def.n_rules);
	config__free(&def);
	config__free(&cfg);
}

static void full_file_sets_every_field(void **state)
{
	struct config cfg;

	(void)state;
	if (config__load(&cfg, DATA "good_full.yaml", NULL, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(cfg.max_packets, 1000);
	assert_int_equal(cfg.max_events_per_packet, 64);
	assert_int_equal(cfg.backend, BACKEND_KPROBE_MULTI);
	assert_int_equal(cfg.ringbuf_kb, 1024);
	assert_int_equal(cfg.track_max, 4096);
	assert_int_equal(cfg.max_functions, 20);
	assert_int_equal(cfg.max_priority, PRIO_OPTIONAL);
	assert_string_equal(cfg.exclude, "^(tcp_|udp_)");
	assert_true(classify__excluded(&cfg, "tcp_v4_rcv"));
	assert_false(classify__excluded(&cfg, "ip_rcv"));
	assert_int_equal(cfg.n_functions, 3);
	assert_string_equal(cfg.functions[0].name, "ip_rcv");
	assert_null(cfg.functions[0].module);
	assert_int_equal(cfg.functions[0].param_pos, 1);
	assert_int_equal(cfg.functions[0].ptr_depth, 1);
	assert_string_equal(cfg.functions[1].module, "nf_tables");
	assert_int_equal(cfg.functions[1].param_pos, 2);
	assert_null(cfg.functions[2].module); /* "vmlinux" means the kernel itself */
	assert_int_equal(cfg.functions[2].ptr_depth, 2);
	assert_string_equal(cfg.filter_expr, "icmp and host 10.0.0.1");
	assert_int_equal(cfg.filter_netns, 4026531840u);
	assert_string_equal(cfg.filter_ifname, "veth0");
	assert_int_equal(cfg.filter_mark, 0x10);
	assert_int_equal(cfg.filter_mark_mask, 0xff);
	assert_true(cfg.filter_everywhere);
	assert_int_equal(cfg.nft_rules, NFT_RULES_IMMEDIATE);
	assert_string_equal(cfg.nft_path, "/opt/nftables/sbin/nft");
	assert_int_equal(cfg.nft_timeout_ms, 2500);
	assert_int_equal(cfg.refresh_ms, 250);
	assert_false(cfg.color);
	config__free(&cfg);
}

static void empty_and_comment_only_files_mean_defaults(void **state)
{
	struct config cfg;

	(void)state;
	assert_int_equal(config__load(&cfg, DATA "good_empty.yaml", NULL, err, sizeof(err)), 0);
	assert_int_equal(cfg.refresh_ms, 1000);
	config__free(&cfg);
	assert_int_equal(config__load(&cfg, DATA "good_comment.yaml", NULL, err, sizeof(err)), 0);
	assert_int_equal(cfg.refresh_ms, 1000);
	config__free(&cfg);
}

static void written_config_reads_back_the_same(void **state)
{
	struct config cfg, back;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(config__load(&cfg, DATA "good_full.yaml", NULL, err, sizeof(err)), 0);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(config__write(&cfg, f, "a header\nof two lines"), 0);
	fclose(f);
	assert_non_null(strstr(buf, "# a header\n# of two lines\n"));
	if (config__parse(&back, "written", buf, len, NULL, NULL, 0, err, sizeof(err)))
		fail_msg("%s\n%s", err, buf);
	assert_int_equal(back.max_packets, cfg.max_packets);
	assert_int_equal(back.max_events_per_packet, cfg.max_events_per_packet);
	assert_int_equal(back.backend, cfg.backend);
	assert_int_equal(back.ringbuf_kb, cfg.ringbuf_kb);
	assert_int_equal(back.track_max, cfg.track_max);
	assert_int_equal(back.max_functions, cfg.max_functions);
	assert_int_equal(back.max_priority, cfg.max_priority);
	assert_string_equal(back.exclude, cfg.exclude);
	assert_int_equal(back.n_functions, cfg.n_functions);
	for (size_t i = 0; i < cfg.n_functions; i++) {
		assert_string_equal(back.functions[i].name, cfg.functions[i].name);
		if (cfg.functions[i].module)
			assert_string_equal(back.functions[i].module, cfg.functions[i].module);
		else
			assert_null(back.functions[i].module);
		assert_int_equal(back.functions[i].param_pos, cfg.functions[i].param_pos);
		assert_int_equal(back.functions[i].ptr_depth, cfg.functions[i].ptr_depth);
	}
	assert_string_equal(back.filter_expr, cfg.filter_expr);
	assert_int_equal(back.filter_netns, cfg.filter_netns);
	assert_string_equal(back.filter_ifname, cfg.filter_ifname);
	assert_int_equal(back.filter_mark, cfg.filter_mark);
	assert_int_equal(back.filter_mark_mask, cfg.filter_mark_mask);
	assert_int_equal(back.filter_everywhere, cfg.filter_everywhere);
	assert_int_equal(back.nft_rules, cfg.nft_rules);
	assert_string_equal(back.nft_path, cfg.nft_path);
	assert_int_equal(back.nft_timeout_ms, cfg.nft_timeout_ms);
	assert_int_equal(back.refresh_ms, cfg.refresh_ms);
	assert_int_equal(back.color, cfg.color);
	config__free(&back);
	config__free(&cfg);
	free(buf);
}

static void strings_with_quotes_survive_a_round_trip(void **state)
{
	const char *text = "filter:\n  expression: 'host \"x\" and \\\\ y'\n";
	struct config cfg, back;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(
		config__parse(&cfg, "q", text, strlen(text), NULL, NULL, 0, err, sizeof(err)), 0);
	f = open_memstream(&buf, &len);
	config__write(&cfg, f, NULL);
	fclose(f);
	assert_int_equal(config__parse(&back, "q2", buf, len, NULL, NULL, 0, err, sizeof(err)), 0);
	assert_string_equal(back.filter_expr, "host \"x\" and \\\\ y");
	config__free(&cfg);
	config__free(&back);
	free(buf);
}

/* Writes cfg and reads it back into back; fails with the reader's message. */
static void write_and_read(const struct config *cfg, struct config *back)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(config__write(cfg, f, NULL), 0);
	fclose(f);
	if (config__parse(back, "written", buf, len, NULL, NULL, 0, err, sizeof(err)))
		fail_msg("%s", err);
	free(buf);
}

/* Every character U+0001..U+00FF (controls, DEL, C1, Latin-1) is written so it reads back. */
static void every_character_to_0xff_survives_a_round_trip(void **state)
{
	char in[512], *p = in;
	struct config cfg, back;

	(void)state;
	for (unsigned c = 1; c < 0x100; c++) {
		if (c < 0x80) {
			*p++ = (char)c;
		} else {
			*p++ = (char)(0xc0 | c >> 6);
			*p++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*p = 0;
	assert_int_equal(config__parse(&cfg, NULL, NULL, 0, NULL, NULL, 0, err, sizeof(err)), 0);
	cfg.filter_expr = strdup(in);
	write_and_read(&cfg, &back);
	assert_string_equal(back.filter_expr, in);
	config__free(&cfg);
	config__free(&back);
}

/* Every byte 0x01..0xff raw (not UTF-8, as a command line can give): the file still reads back. */
static void every_byte_to_0xff_is_written_readable(void **state)
{
	char in[256], want[512], *p = want;
	struct config cfg, back;

	(void)state;
	for (unsigned b = 1; b < 0x100; b++) {
		in[b - 1] = (char)b;
		if (b < 0x80) {
			*p++ = (char)b;
		} else {
			*p++ = (char)(0xc0 | b >> 6);
			*p++ = (char)(0x80 | (b & 0x3f));
		}
	}
	in[255] = 0;
	*p = 0;
	assert_int_equal(config__parse(&cfg, NULL, NULL, 0, NULL, NULL, 0, err, sizeof(err)), 0);
	cfg.filter_ifname = strdup(in);
	write_and_read(&cfg, &back);
	/* A byte that is not UTF-8 comes back as the Latin-1 letter it would be. */
	assert_string_equal(back.filter_ifname, want);
	config__free(&cfg);
	config__free(&back);
}

/* Each broken file and the exact message the user sees. */
static const struct {
	const char *file;
	const char *msg;
} broken[] = {
	{ "bad_syntax.yaml", "bad_syntax.yaml:3:1: YAML syntax error: did not find expected ',' or "
			     "']' while parsing a flow sequence (started at 2:16)" },
	{ "bad_unknown_section.yaml", "bad_unknown_section.yaml:2:1: unknown section 'stor' "
				      "(expected store, trace, filter, nft, ui)" },
	{ "bad_unknown_key.yaml",
	  "bad_unknown_key.yaml:3:3: unknown key 'ringbuf' in trace (expected backend, "
	  "ringbuf_kb, track_max, max_functions, functions, max_priority, exclude)" },
	{ "bad_type_int.yaml",
	  "bad_type_int.yaml:2:16: store.max_packets: expected an integer, got 'lots'" },
	{ "bad_negative.yaml",
	  "bad_negative.yaml:2:16: store.max_packets: -5 is out of range (1..10000000)" },
	{ "bad_range.yaml",
	  "bad_range.yaml:2:15: trace.ringbuf_kb: 16 is out of range (64..1048576)" },
	{ "bad_pow2.yaml", "bad_pow2.yaml:2:15: trace.ringbuf_kb: 100 is not a power of two" },
	{ "bad_enum.yaml", "bad_enum.yaml:2:12: trace.backend: 'warp' is not one of auto, "
			   "kprobe-multi, kprobe, fentry, tracepoint" },
	{ "bad_bool.yaml", "bad_bool.yaml:2:10: ui.color: expected true or false, got 'maybe'" },
	{ "bad_nft.yaml", "bad_nft.yaml:2:10: nft.rules: 'sometimes' is not one of trace-key, "
			  "immediate, off" },
	{ "bad_section_type.yaml",
	  "bad_section_type.yaml:1:8: trace: expected a mapping, got a scalar" },
	{ "bad_top_list.yaml",
	  "bad_top_list.yaml:1:1: expected a mapping of sections at the top, got a list" },
	{ "bad_duplicate.yaml", "bad_duplicate.yaml:3:3: ui: duplicate key 'refresh_ms'" },
	{ "bad_func_param.yaml",
	  "bad_func_param.yaml:3:30: trace.functions.param: 7 is out of range (1..5)" },
	{ "bad_func_noname.yaml", "bad_func_noname.yaml:3:7: trace.functions: entry has no name" },
	{ "bad_func_type.yaml",
	  "bad_func_type.yaml:2:14: trace.functions: expected a list, got a scalar" },
	{ "bad_regex.yaml", "bad_regex.yaml:2:12: trace.exclude: bad regular expression "
			    "'tcp_(v4': Unmatched ( or \\(" },
	{ "bad_mark.yaml", "bad_mark.yaml:2:9: filter.mark: expected VALUE or VALUE/MASK (32-bit), "
			   "got '0x10/zz'" },
	{ "bad_control_byte.yaml", "bad_control_byte.yaml:5:17: YAML syntax error: control "
				   "characters are not allowed (0x1b)" },
	{ "bad_utf8.yaml",
	  "bad_utf8.yaml:5:14: YAML syntax error: invalid leading UTF-8 octet (0xff)" },
	{ "bad_nft_path.yaml", "bad_nft_path.yaml:2:9: nft.path: 'nft' is not an absolute path" },
	{ "nonexistent.yaml", "nonexistent.yaml: cannot read: No such file or directory" },
};

static void broken_files_fail_with_file_line_column(void **state)
{
	struct config cfg;
	char path[256], want[512];

	(void)state;
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		snprintf(path, sizeof(path), DATA "%s", broken[i].file);
		snprintf(want, sizeof(want), DATA "%s", broken[i].msg);
		err[0] = '\0';
		if (!config__load(&cfg, path, NULL, err, sizeof(err)))
			fail_msg("%s loaded", path);
		if (strcmp(err, want))
			fail_msg("%s:\n  got  %s\n  want %s", path, err, want);
		/* A failed load leaves nothing to free and nothing half-set. */
		assert_null(cfg.source);
		assert_null(cfg.rules);
	}
}

static const struct {
	const char *file;
	const char *msg;
} broken_layers[] = {
	{ "bad_layers_unknown_layer.yaml",
	  "bad_layers_unknown_layer.yaml:5:29: rules.layer: no layer named 'IPv5' in layers" },
	{ "bad_layers_regex.yaml", "bad_layers_regex.yaml:5:14: rules.match: bad regular "
				   "expression '^ip_[': Invalid regular expression" },
	{ "bad_layers_no_rules.yaml", "bad_layers_no_rules.yaml:1:1: no 'rules' list" },
	{ "bad_layers_no_unknown.yaml", "bad_layers_no_unknown.yaml:2:3: unknown_layer: no layer "
					"named 'Unknown' in layers" },
	{ "bad_layers_priority.yaml",
	  "bad_layers_priority.yaml:5:45: rules.priority: 'urgent' is not one of critical, "
	  "important, optional, unknown" },
	{ "bad_layers_judge.yaml", "bad_layers_judge.yaml:7:5: judge: bad regular expression "
				   "'^(ip_local_out': Unmatched ( or \\(" },
	{ "bad_layers_judge_map.yaml", "bad_layers_judge_map.yaml:6:8: judge: expected a list of "
				       "regular expressions, got a mapping" },
};

static void broken_layer_files_fail_with_file_line_column(void **state)
{
	struct config cfg;
	char path[256], want[512];

	(void)state;
	for (size_t i = 0; i < sizeof(broken_layers) / sizeof(broken_layers[0]); i++) {
		snprintf(path, sizeof(path), DATA "%s", broken_layers[i].file);
		snprintf(want, sizeof(want), DATA "%s", broken_layers[i].msg);
		if (!config__load(&cfg, DATA "good_empty.yaml", path, err, sizeof(err)))
			fail_msg("%s loaded", path);
		if (strcmp(err, want))
			fail_msg("%s:\n  got  %s\n  want %s", path, err, want);
	}
}

static void user_layers_replace_the_builtin_ones(void **state)
{
	struct config cfg;

	(void)state;
	if (config__load(&cfg, NULL, DATA "layers_small.yaml", err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(cfg.n_layers, 2);
	assert_int_equal(cfg.n_rules, 3);
	assert_string_equal(cfg.layers[cfg.unknown_layer].name, "Other");
	assert_string_equal(cfg.layers_source, DATA "layers_small.yaml");
	assert_null(cfg.layers[1].color);
	/* Without a guess list of its own, the built-in guesses stay. */
	assert_true(cfg.n_guesses > 0);
	/* Its own judges replace the built-in ones. */
	assert_int_equal(cfg.n_judges, 1);
	assert_true(classify__judge(&cfg, "ip_rcv"));
	assert_false(classify__judge(&cfg, "ip_local_out"));
	config__free(&cfg);
}

static void user_layers_without_judges_keep_the_builtin_ones(void **state)
{
	struct config cfg;

	(void)state;
	if (config__load(&cfg, NULL, DATA "layers_no_judge.yaml", err, sizeof(err)))
		fail_msg("%s", err);
	assert_true(cfg.n_judges > 0);
	assert_true(classify__judge(&cfg, "ip_local_out"));
	config__free(&cfg);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void search_order_prefers_xdg_and_its_layers(void **state)
{
	char dir[] = "/tmp/skbtop-test-XXXXXX", sub[128], path[160], lpath[160];
	const char *old_xdg = getenv("XDG_CONFIG_HOME");
	struct config cfg;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/skbtop", dir);
	mkdir(sub, 0700);
	snprintf(path, sizeof(path), "%s/skbtop.yaml", sub);
	snprintf(lpath, sizeof(lpath), "%s/layers.yaml", sub);
	setenv("XDG_CONFIG_HOME", dir, 1);

	/* Nothing there (and nothing in /etc on a test machine): built-in. */
	if (access("/etc/skbtop/skbtop.yaml", F_OK)) {
		assert_int_equal(config__load(&cfg, NULL, NULL, err, sizeof(err)), 0);
		assert_string_equal(cfg.source, "built-in");
		config__free(&cfg);
	}
	write_file(path, "ui:\n  refresh_ms: 333\n");
	assert_int_equal(config__load(&cfg, NULL, NULL, err, sizeof(err)), 0);
	assert_string_equal(cfg.source, path);
	assert_int_equal(cfg.refresh_ms, 333);
	assert_string_equal(cfg.layers_source, "built-in");
	config__free(&cfg);

	write_file(lpath, "layers: [ { name: All }, { name: Unknown } ]\n"
			  "rules: [ { match: '.', layer: All } ]\n");
	assert_int_equal(config__load(&cfg, NULL, NULL, err, sizeof(err)), 0);
	assert_string_equal(cfg.layers_source, lpath);
	assert_int_equal(cfg.n_layers, 2);
	config__free(&cfg);

	/* --config wins over the search order. */
	assert_int_equal(config__load(&cfg, DATA "good_partial.yaml", NULL, err, sizeof(err)), 0);
	assert_int_equal(cfg.max_packets, 500);
	config__free(&cfg);

	unlink(lpath);
	unlink(path);
	rmdir(sub);
	rmdir(dir);
	if (old_xdg)
		setenv("XDG_CONFIG_HOME", old_xdg, 1);
	else
		unsetenv("XDG_CONFIG_HOME");
}

/* As root, a file someone else owns or can write decides nothing (as sudo and ssh do it). */
static void as_root_others_configuration_is_refused(void **state)
{
	char dir[] = "/tmp/skbtop-test-XXXXXX", path[64], lpath[64], want[256];
	const char *old_sudo = getenv("SUDO_UID");
	struct config cfg;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/skbtop.yaml", dir);
	snprintf(lpath, sizeof(lpath), "%s/layers.yaml", dir);
	write_file(path, "ui:\n  refresh_ms: 333\n");
	chmod(path, 0644);
	unsetenv("SUDO_UID");

	assert_int_equal(chown(path, 65534, 65534), 0);
	assert_int_not_equal(config__load(&cfg, path, NULL, err, sizeof(err)), 0);
	snprintf(want, sizeof(want),
		 "%s: not used: it belongs to uid 65534, not to root or to the user running skbtop "
		 "(uid 0)",
		 path);
	assert_string_equal(err, want);
	/* Run through sudo by that user: theirs to use. */
	setenv("SUDO_UID", "65534", 1);
	assert_int_equal(config__load(&cfg, path, NULL, err, sizeof(err)), 0);
	assert_int_equal(cfg.refresh_ms, 333);
	config__free(&cfg);
	unsetenv("SUDO_UID");

	assert_int_equal(chown(path, 0, 0), 0);
	chmod(path, 0666);
	assert_int_not_equal(config__load(&cfg, path, NULL, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s: not used: others can change it (mode 0666)", path);
	assert_string_equal(err, want);
	chmod(path, 0620);
	assert_int_not_equal(config__load(&cfg, path, NULL, err, sizeof(err)), 0);
	chmod(path, 0600);
	assert_int_equal(config__load(&cfg, path, NULL, err, sizeof(err)), 0);
	config__free(&cfg);

	/* The layers file found beside it is held to the same rule. */
	write_file(lpath, "layers: [ { name: All }, { name: Unknown } ]\n"
			  "rules: [ { match: '.', layer: All } ]\n");
	assert_int_equal(chown(lpath, 65534, 65534), 0);
	assert_int_not_equal(config__load(&cfg, path, NULL, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "layers.yaml: not used: it belongs to uid 65534"));

	unlink(lpath);
	unlink(path);
	rmdir(dir);
	if (old_sudo)
		setenv("SUDO_UID", old_sudo, 1);
}

static void names_match_the_yaml_words(void **state)
{
	(void)state;
	assert_string_equal(priority__name(PRIO_CRITICAL), "Critical");
	assert_string_equal(priority__name(PRIO_UNKNOWN), "Unknown");
	assert_string_equal(backend__name(BACKEND_KPROBE_MULTI), "kprobe-multi");
	assert_string_equal(backend__name(BACKEND_TRACEPOINT), "tracepoint");
	assert_string_equal(nft_rules__name(NFT_RULES_TRACE_KEY), "trace-key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_defaults_hold_a_busy_host),
		cmocka_unit_test(builtin_layers_include_every_required_one),
		cmocka_unit_test(partial_file_overrides_only_its_keys),
		cmocka_unit_test(full_file_sets_every_field),
		cmocka_unit_test(empty_and_comment_only_files_mean_defaults),
		cmocka_unit_test(written_config_reads_back_the_same),
		cmocka_unit_test(strings_with_quotes_survive_a_round_trip),
		cmocka_unit_test(every_character_to_0xff_survives_a_round_trip),
		cmocka_unit_test(every_byte_to_0xff_is_written_readable),
		cmocka_unit_test(broken_files_fail_with_file_line_column),
		cmocka_unit_test(broken_layer_files_fail_with_file_line_column),
		cmocka_unit_test(user_layers_replace_the_builtin_ones),
		cmocka_unit_test(user_layers_without_judges_keep_the_builtin_ones),
		cmocka_unit_test(search_order_prefers_xdg_and_its_layers),
		cmocka_unit_test(as_root_others_configuration_is_refused),
		cmocka_unit_test(names_match_the_yaml_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
