type Element = Record<string, unknown>;

/** The interactive element with this action_id, wherever Block Kit allows one, and its block's id. */
export function findElement(blocks: unknown[], actionId: string): { blockId?: string; element: Element } | undefined {
  for (const block of blocks as Element[]) {
    const candidates = [
      ...(Array.isArray(block.elements) ? (block.elements as Element[]) : []),
      block.accessory as Element | undefined,
      block.element as Element | undefined,
    ];
    const element = candidates.find((e) => e?.action_id === actionId);
    if (element) return { ...(typeof block.block_id === 'string' ? { blockId: block.block_id } : {}), element };
  }
  return undefined;
}
