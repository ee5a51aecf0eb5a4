// Real firewall rules inside a lab host's network namespace (never the machine's own).

export interface FirewallSpec {
  /** iptables-save format, loaded with iptables-restore (IPv4). */
  iptables?: string;
  /** ip6tables-save format, loaded with ip6tables-restore. */
  ip6tables?: string;
  /** An nft script, loaded with `nft -f -`. */
  nft?: string;
}

/** iptables-save text of a filter table: its built-in chains with their policies (ACCEPT unless given), the rules. */
export function iptablesFilter(
  rules: string[],
  policies: { input?: 'ACCEPT' | 'DROP'; output?: 'ACCEPT' | 'DROP' } = {},
): string {
  return [
    '*filter',
    `:INPUT ${policies.input ?? 'ACCEPT'} [0:0]`,
    ':FORWARD ACCEPT [0:0]',
    `:OUTPUT ${policies.output ?? 'ACCEPT'} [0:0]`,
    ...rules,
    'COMMIT',
  ].join('\n');
}

/** The commands (argv + stdin) that load a FirewallSpec; run them inside the host. */
export function firewallCommands(spec: FirewallSpec): { argv: string[]; stdin: string }[] {
  const commands: { argv: string[]; stdin: string }[] = [];
  if (spec.iptables !== undefined)
    commands.push({ argv: ['iptables-restore'], stdin: ensureNewline(spec.iptables) });
  if (spec.ip6tables !== undefined)
    commands.push({ argv: ['ip6tables-restore'], stdin: ensureNewline(spec.ip6tables) });
  if (spec.nft !== undefined) commands.push({ argv: ['nft', '-f', '-'], stdin: ensureNewline(spec.nft) });
  return commands;
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
