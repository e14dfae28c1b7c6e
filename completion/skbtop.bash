# bash completion for skbtop                                    -*- shell-script -*-
# Installed as $(prefix)/share/bash-completion/completions/skbtop by `make install`.
# COMPREPLY=($(compgen ...)) is the idiom of bash-completion itself: the words never hold spaces.
# shellcheck disable=SC2207

_skbtop() {
	local cur prev words cword
	_init_completion || return

	local sub=""
	local i
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		replay | discover | trace)
			sub=${words[i]}
			break
			;;
		esac
	done

	case $sub in
	replay)
		case $prev in
		-c | --config)
			_filedir 'y?(a)ml'
			return
			;;
		--folded)
			_filedir
			return
			;;
		--pcapng)
			_filedir pcapng
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '--config --no-color --no-mouse --folded --pcapng --help' -- "$cur"))
		else
			_filedir json
		fi
		return
		;;
	discover)
		case $prev in
		-c | --config | -L | --layers | -w | --config-out)
			_filedir 'y?(a)ml'
			return
			;;
		-o | --output | --kallsyms)
			_filedir
			return
			;;
		--btf-dir)
			_filedir -d
			return
			;;
		-n | --max-trace)
			return
			;;
		esac
		COMPREPLY=($(compgen -W '--config --layers --output --config-out --max-trace
			--no-btf --btf-dir --kallsyms --json --verbose --help' -- "$cur"))
		return
		;;
	esac

	case $prev in
	-f | --format)
		COMPREPLY=($(compgen -W 'text json' -- "$cur"))
		return
		;;
	-b | --backend)
		COMPREPLY=($(compgen -W 'auto kprobe-multi kprobe fentry tracepoint' -- "$cur"))
		return
		;;
	--nft-rules)
		COMPREPLY=($(compgen -W 'trace-key immediate off' -- "$cur"))
		return
		;;
	--proto)
		COMPREPLY=($(compgen -W 'tcp udp icmp icmp6 sctp' -- "$cur"))
		return
		;;
	-c | --config)
		_filedir 'y?(a)ml'
		return
		;;
	-o | --output)
		_filedir json
		return
		;;
	--folded)
		_filedir
		return
		;;
	-w)
		_filedir pcapng
		return
		;;
	--netns | --filter-netns)
		_filedir
		return
		;;
	--ifname | --filter-ifname)
		_available_interfaces
		return
		;;
	-t | --duration | --metrics | --snaplen | -n | --max-functions | -F | --functions | --ringbuf-kb | --host | \
		--port | --mark | --filter-mark | --filter-func)
		return
		;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--stream --format --output -w --snaplen --folded --metrics --duration --backend
			--max-functions --functions --config --ringbuf-kb --proto --host --port
			--netns --ifname --mark --filter-netns --filter-ifname --filter-mark
			--filter-func --filter-everywhere --nft-rules --nft-netlink-trace --no-color --no-mouse --empty-probes --empty-probes=emit
			--verbose --help --version' -- "$cur"))
	elif [[ -z $sub && $cword -eq 1 ]]; then
		COMPREPLY=($(compgen -W 'replay discover trace' -- "$cur"))
	fi
} && complete -F _skbtop skbtop
