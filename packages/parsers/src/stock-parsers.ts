import type { ParserDefinition } from './parser-definition.js';

/**
 * The parsers of Fluent Bit's `conf/parsers.conf` (v5.1.1), by name, exactly as shipped — the
 * patterns are Fluent Bit's, so records match its own. Like Fluent Bit, none is loaded unless a
 * config asks: name them in a Parsers_File, or (Tributary) by name where a parser is expected.
 */
export const STOCK_PARSERS: readonly ParserDefinition[] = [
  {name: "apache", format: "regex", regex: "^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \\[(?<time>[^\\]]*)\\] \"(?<method>\\S+)(?: +(?<path>[^\\\"]*?)(?: +\\S*)?)?\" (?<code>[^ ]*) (?<size>[^ ]*)(?: \"(?<referer>[^\\\"]*)\" \"(?<agent>[^\\\"]*)\")?$", timeKey: "time", timeFormat: "%d/%b/%Y:%H:%M:%S %z"},
  {name: "apache2", format: "regex", regex: "^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \\[(?<time>[^\\]]*)\\] \"(?<method>\\S+)(?: +(?<path>[^ ]*) +\\S*)?\" (?<code>[^ ]*) (?<size>[^ ]*)(?: \"(?<referer>[^\\\"]*)\" \"(?<agent>.*)\")?$", timeKey: "time", timeFormat: "%d/%b/%Y:%H:%M:%S %z"},
  {name: "apache_error", format: "regex", regex: "^\\[[^ ]* (?<time>[^\\]]*)\\] \\[(?<level>[^\\]]*)\\](?: \\[pid (?<pid>[^\\]]*)\\])?( \\[client (?<client>[^\\]]*)\\])? (?<message>.*)$"},
  {name: "nginx", format: "regex", regex: "^(?<remote>[^ ]*) (?<host>[^ ]*) (?<user>[^ ]*) \\[(?<time>[^\\]]*)\\] \"(?<method>\\S+)(?: +(?<path>[^\\\"]*?)(?: +\\S*)?)?\" (?<code>[^ ]*) (?<size>[^ ]*)(?: \"(?<referer>[^\\\"]*)\" \"(?<agent>[^\\\"]*)\")", timeKey: "time", timeFormat: "%d/%b/%Y:%H:%M:%S %z"},
  {name: "k8s-nginx-ingress", format: "regex", regex: "^(?<host>[^ ]*) - (?<user>[^ ]*) \\[(?<time>[^\\]]*)\\] \"(?<method>\\S+)(?: +(?<path>[^\\\"]*?)(?: +\\S*)?)?\" (?<code>[^ ]*) (?<size>[^ ]*) \"(?<referer>[^\\\"]*)\" \"(?<agent>[^\\\"]*)\" (?<request_length>[^ ]*) (?<request_time>[^ ]*) \\[(?<proxy_upstream_name>[^ ]*)\\] (\\[(?<proxy_alternative_upstream_name>[^ ]*)\\] )?(?<upstream_addr>[^ ]*) (?<upstream_response_length>[^ ]*) (?<upstream_response_time>[^ ]*) (?<upstream_status>[^ ]*) (?<reg_id>[^ ]*).*$", timeKey: "time", timeFormat: "%d/%b/%Y:%H:%M:%S %z"},
  {name: "json", format: "json", timeKey: "time", timeFormat: "%d/%b/%Y:%H:%M:%S %z"},
  {name: "logfmt", format: "logfmt"},
  {name: "docker", format: "json", timeKey: "time", timeFormat: "%Y-%m-%dT%H:%M:%S.%L", timeKeep: true},
  {name: "docker-daemon", format: "regex", regex: "time=\"(?<time>[^ ]*)\" level=(?<level>[^ ]*) msg=\"(?<msg>[^ ].*)\"", timeKey: "time", timeFormat: "%Y-%m-%dT%H:%M:%S.%L", timeKeep: true},
  {name: "syslog-rfc5424", format: "regex", regex: "^\\<(?<pri>[0-9]{1,5})\\>1 (?<time>[^ ]+) (?<host>[^ ]+) (?<ident>[^ ]+) (?<pid>[-0-9]+) (?<msgid>[^ ]+) (?<extradata>(\\[(.*?)\\]|-)) (?<message>.+)$", timeKey: "time", timeFormat: "%Y-%m-%dT%H:%M:%S.%L%z", timeKeep: true},
  {name: "syslog-rfc3164-local", format: "regex", regex: "^\\<(?<pri>[0-9]+)\\>(?<time>[^ ]* {1,2}[^ ]* [^ ]*) (?<ident>[a-zA-Z0-9_\\/\\.\\-]*)(?:\\[(?<pid>[0-9]+)\\])?(?:[^\\:]*\\:)? *(?<message>.*)$", timeKey: "time", timeFormat: "%b %d %H:%M:%S", timeKeep: true},
  {name: "syslog-rfc3164", format: "regex", regex: "/^\\<(?<pri>[0-9]+)\\>(?<time>[^ ]* {1,2}[^ ]* [^ ]*) (?<host>[^ ]*) (?<ident>[a-zA-Z0-9_\\/\\.\\-]*)(?:\\[(?<pid>[0-9]+)\\])?(?:[^\\:]*\\:)? *(?<message>.*)$/", timeKey: "time", timeFormat: "%b %d %H:%M:%S", timeKeep: true},
  {name: "mongodb", format: "regex", regex: "^(?<time>[^ ]*)\\s+(?<severity>\\w)\\s+(?<component>[^ ]+)\\s+\\[(?<context>[^\\]]+)]\\s+(?<message>.*?) *(?<ms>(\\d+))?(:?ms)?$", timeFormat: "%Y-%m-%dT%H:%M:%S.%L", timeKeep: true, timeKey: "time"},
  {name: "envoy", format: "regex", regex: "^\\[(?<start_time>[^\\]]*)\\] \"(?<method>\\S+)(?: +(?<path>[^\\\"]*?)(?: +\\S*)?)? (?<protocol>\\S+)\" (?<code>[^ ]*) (?<response_flags>[^ ]*) (?<bytes_received>[^ ]*) (?<bytes_sent>[^ ]*) (?<duration>[^ ]*) (?<x_envoy_upstream_service_time>[^ ]*) \"(?<x_forwarded_for>[^ ]*)\" \"(?<user_agent>[^\\\"]*)\" \"(?<request_id>[^\\\"]*)\" \"(?<authority>[^ ]*)\" \"(?<upstream_host>[^ ]*)\"", timeFormat: "%Y-%m-%dT%H:%M:%S.%L%z", timeKeep: true, timeKey: "start_time"},
  {name: "istio-envoy-proxy", format: "regex", regex: "^\\[(?<start_time>[^\\]]*)\\] \"(?<method>\\S+)(?: +(?<path>[^\\\"]*?)(?: +\\S*)?)? (?<protocol>\\S+)\" (?<response_code>[^ ]*) (?<response_flags>[^ ]*) (?<response_code_details>[^ ]*) (?<connection_termination_details>[^ ]*) \"(?<upstream_transport_failure_reason>[^ ]*)\" (?<bytes_received>[^ ]*) (?<bytes_sent>[^ ]*) (?<duration>[^ ]*) (?<x_envoy_upstream_service_time>[^ ]*) \"(?<x_forwarded_for>[^ ]*)\" \"(?<user_agent>[^\\\"]*)\" \"(?<x_request_id>[^\\\"]*)\" \"(?<authority>[^ ]*)\" \"(?<upstream_host>[^ ]*)\" (?<upstream_cluster>[^ ]*) (?<upstream_local_address>[^ ]*) (?<downstream_local_address>[^ ]*) (?<downstream_remote_address>[^ ]*) (?<requested_server_name>[^ ]*) (?<route_name>[^  ]*)$", timeFormat: "%Y-%m-%dT%H:%M:%S.%L%z", timeKeep: true, timeKey: "start_time"},
  {name: "cri", format: "regex", regex: "^(?<time>[^ ]+) (?<stream>stdout|stderr) (?<logtag>[^ ]*) (?<message>.*)$", timeKey: "time", timeFormat: "%Y-%m-%dT%H:%M:%S.%L%z", timeKeep: true},
  {name: "kube-custom", format: "regex", regex: "(?<tag>[^.]+)?\\.?(?<pod_name>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)_(?<namespace_name>[^_]+)_(?<container_name>.+)-(?<docker_id>[a-z0-9]{64})\\.log$"},
  {name: "kmsg-netfilter-log", format: "regex", regex: "^\\<(?<pri>[0-9]{1,5})\\>1 (?<time>[^ ]+) (?<host>[^ ]+) kernel - - - \\[[0-9\\.]*\\] (?<logprefix>[^ ]*)\\s?IN=(?<in>[^ ]*) OUT=(?<out>[^ ]*) MAC=(?<macsrc>[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}):(?<macdst>[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}):(?<ethtype>[0-9a-f]{2}:[0-9a-f]{2}) SRC=(?<saddr>[^ ]*) DST=(?<daddr>[^ ]*) LEN=(?<len>[^ ]*) TOS=(?<tos>[^ ]*) PREC=(?<prec>[^ ]*) TTL=(?<ttl>[^ ]*) ID=(?<id>[^ ]*) (D*F*)\\s*PROTO=(?<proto>[^ ]*)\\s?((SPT=)?(?<sport>[0-9]*))\\s?((DPT=)?(?<dport>[0-9]*))\\s?((LEN=)?(?<protolen>[0-9]*))\\s?((WINDOW=)?(?<window>[0-9]*))\\s?((RES=)?(?<res>0?x?[0-9]*))\\s?(?<flag>[^ ]*)\\s?((URGP=)?(?<urgp>[0-9]*))", timeKey: "time", timeFormat: "%Y-%m-%dT%H:%M:%S.%L%z"},
];

/** A stock parser by name (case-insensitive, as Fluent Bit looks parsers up). */
export function stockParser(name: string): ParserDefinition | undefined {
  const wanted = name.toLowerCase();
  return STOCK_PARSERS.find((parser) => parser.name.toLowerCase() === wanted);
}
