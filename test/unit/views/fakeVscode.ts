// The few `vscode` names a tree provider uses, as plain classes, so a view can run in mocha without VS Code:
// withFakeVscode() loads a compiled module with `require('vscode')` answered by them.
import Module = require('node:module');

type Listener<T> = (e: T) => void;

/** vscode.EventEmitter: `event` subscribes, `fire` calls the listeners in order. */
class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (l: Listener<T>) => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

/** vscode.TreeItem: the fields a provider sets. */
class TreeItem {
  id?: string;
  description?: string;
  tooltip?: unknown;
  iconPath?: unknown;
  contextValue?: string;
  command?: unknown;
  constructor(
    readonly label: string,
    readonly collapsibleState = 0,
  ) {}
}

/** vscode.MarkdownString: the text appended, Markdown and plain alike. */
class MarkdownString {
  value = '';
  appendMarkdown(s: string): this {
    this.value += s;
    return this;
  }
  appendText(s: string): this {
    this.value += s;
    return this;
  }
}

class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: unknown,
  ) {}
}

class ThemeColor {
  constructor(readonly id: string) {}
}

/** What `require('vscode')` gives the module loaded by withFakeVscode. */
export const fakeVscode = {
  EventEmitter,
  TreeItem,
  MarkdownString,
  ThemeIcon,
  ThemeColor,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
};

/** Requires the compiled module `file` (and what it imports) with `vscode` answered by fakeVscode. */
export function withFakeVscode<T>(file: string): T {
  type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
  const mod = Module as unknown as { _load: Load };
  const original = mod._load;
  mod._load = function (request: string, parent: unknown, isMain: boolean) {
    return request === 'vscode' ? fakeVscode : original.call(this, request, parent, isMain);
  };
  try {
    return require(file) as T;
  } finally {
    mod._load = original;
  }
}
