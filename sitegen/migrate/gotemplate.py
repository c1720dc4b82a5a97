"""Parse Go's text/template language (Hugo's shortcodes) into a small syntax tree.

Only parsing: `translate.py` turns the tree into Jinja. The grammar is Go's
(https://pkg.go.dev/text/template): text and ``{{ }}`` actions, ``{{-``/``-}}`` trimming
the white space beside them, comments, pipelines of commands joined by ``|``, variables,
field chains, the control actions (if, else if, with, else with, range, end), and a file's
own templates (define, template, and return in an inline partial). Actions this does not
handle (block) raise `GoSyntaxError`, so the caller writes a stub for a person to finish
instead of a wrong translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class GoSyntaxError(Exception):
    """The template uses Go template syntax this parser does not translate."""


@dataclass(frozen=True)
class Literal:
    value: object  # str, int, float, bool or None


@dataclass(frozen=True)
class Field:
    """``.A.B`` on dot (receiver None), or on a variable or a parenthesised pipeline."""

    names: tuple[str, ...]
    receiver: Operand | None = None


@dataclass(frozen=True)
class Variable:
    name: str  # "$" for the root, else "$x"


@dataclass(frozen=True)
class Dot:
    pass


@dataclass(frozen=True)
class Function:
    name: str  # "printf", "strings.TrimSpace"


@dataclass(frozen=True)
class SubPipe:
    pipe: Pipe


Operand = Literal | Field | Variable | Dot | Function | SubPipe


@dataclass(frozen=True)
class Command:
    args: tuple[Operand, ...]


@dataclass(frozen=True)
class Pipe:
    commands: tuple[Command, ...]
    variables: tuple[str, ...] = ()  # declared or assigned: ($i, $e) in range, ($x) in with
    assign: bool = False  # `=` rather than `:=`


@dataclass
class Text:
    value: str


@dataclass
class Output:
    pipe: Pipe


@dataclass
class Assign:
    pipe: Pipe  # its variables name the one assigned


@dataclass
class Branch:
    pipe: Pipe
    body: list[Node] = field(default_factory=list)


@dataclass
class If:
    branches: list[Branch]  # `if`, then each `else if`
    otherwise: list[Node] | None = None


@dataclass
class With:
    branches: list[Branch]  # `with`, then each `else with`
    otherwise: list[Node] | None = None


@dataclass
class Range:
    pipe: Pipe
    body: list[Node] = field(default_factory=list)
    otherwise: list[Node] | None = None


@dataclass
class LoopControl:
    word: str  # "break" or "continue"


@dataclass
class Define:
    """`{{ define "name" }}...{{ end }}`: a template (or an inline partial) of the file."""

    name: str
    body: list[Node]


@dataclass
class TemplateCall:
    """`{{ template "name" pipe }}`: a defined template's output, with dot = pipe's value."""

    name: str
    pipe: Pipe | None


@dataclass
class Return:
    """`{{ return pipe }}` in an inline partial: the value `partial` gives back."""

    pipe: Pipe | None


Node = Text | Output | Assign | If | With | Range | LoopControl | Define | TemplateCall | Return

# An action: comments whole (they may hold "}}"), strings whole (they may hold "}}" too).
_ACTION_RE = re.compile(r"""\{\{(-\s)?(\s*/\*.*?\*/\s*|(?:"(?:[^"\\\n]|\\.)*"|`[^`]*`|[^"`}]|\}(?!\}))*?)"""
                        r"(\s-)?\}\}", re.DOTALL)
_TOKEN_RE = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<raw>`[^`]*`)
  | (?P<char>'(?:[^'\\\n]|\\.)+')
  | (?P<number>[-+]?(?:0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+))
  | (?P<declare>:=)
  | (?P<assign>=)
  | (?P<pipe>\|)
  | (?P<open>\()
  | (?P<close>\))
  | (?P<comma>,)
  | (?P<variable>\$\w*)
  | (?P<field>(?:\.\w+)+)
  | (?P<dot>\.)
  | (?P<ident>[A-Za-z_]\w*(?:\.\w+)*)
""", re.VERBOSE)


def parse_template(source: str) -> list[Node]:
    """The template's nodes; raises GoSyntaxError for what cannot be translated."""
    pieces = _split(source)
    parser = _Parser(pieces)
    nodes = parser.block(("",))
    return nodes


def _split(source: str) -> list[tuple[str, str]]:
    """("text", ...) and ("action", ...) pieces, with Go's trim markers applied to the text."""
    pieces: list[tuple[str, str]] = []
    pos = 0
    trim_next = False
    for match in _ACTION_RE.finditer(source):
        text = source[pos:match.start()]
        if trim_next:
            text = text.lstrip()
        if match.group(1):
            text = text.rstrip()
        if text:
            pieces.append(("text", text))
        inner = match.group(2).strip()
        if not (inner.startswith("/*") and inner.endswith("*/")):
            pieces.append(("action", inner))
        trim_next = bool(match.group(3))
        pos = match.end()
    text = source[pos:]
    if "{{" in text:
        raise GoSyntaxError("an action is never closed with '}}'")
    text = text.lstrip() if trim_next else text
    if text:
        pieces.append(("text", text))
    return pieces


class _Parser:
    def __init__(self, pieces: list[tuple[str, str]]) -> None:
        self.pieces = pieces
        self.pos = 0
        self.stopped = ""  # the action that ended the last block: "end", "else", "else if x"

    def block(self, stops: tuple[str, ...]) -> list[Node]:
        """Nodes up to one of the `stops` keywords (`""` is the end of the template)."""
        nodes: list[Node] = []
        while self.pos < len(self.pieces):
            kind, value = self.pieces[self.pos]
            self.pos += 1
            if kind == "text":
                nodes.append(Text(value))
                continue
            word = value.split(None, 1)[0] if value else ""
            if word in ("end", "else"):
                if word not in stops:
                    raise GoSyntaxError(f"unexpected {{{{ {value} }}}}")
                self.stopped = value
                return nodes
            nodes.append(self.action(word, value))
        if "" not in stops:
            raise GoSyntaxError("a block is never closed with {{ end }}")
        return nodes

    def action(self, word: str, value: str) -> Node:
        rest = value[len(word):].strip()
        if word == "if":
            return If(*self.branches(rest, "if"))
        if word == "with":
            return With(*self.branches(rest, "with"))
        if word == "range":
            node = Range(parse_pipe(rest))
            node.body = self.block(("end", "else"))
            if self.stopped == "else":
                node.otherwise = self.block(("end",))
            return node
        if word in ("break", "continue"):
            return LoopControl(word)
        if word in ("define", "template"):
            return self.named(word, rest)
        if word == "return":
            return Return(parse_pipe(rest) if rest else None)
        if word in ("block", "try"):
            raise GoSyntaxError(f"{{{{ {word} }}}} is not translated")
        pipe = parse_pipe(value)
        return Assign(pipe) if pipe.variables else Output(pipe)

    def named(self, word: str, rest: str) -> Node:
        """`define "name"` (its body up to `end`) or `template "name" [pipe]`."""
        tokens = tokenize(rest)
        if not tokens or tokens[0][0] not in ("string", "raw"):
            raise GoSyntaxError(f"{{{{ {word} }}}} without a name in quotes")
        name = str(_literal(tokens[0][0], tokens[0][1]))
        after = rest[rest.index(tokens[0][1]) + len(tokens[0][1]):].strip()
        if word == "define":
            if after:
                raise GoSyntaxError(f"unexpected {after!r} after {{{{ define {name!r} }}}}")
            return Define(name, self.block(("end",)))
        return TemplateCall(name, parse_pipe(after) if after else None)

    def branches(self, first: str, keyword: str) -> tuple[list[Branch], list[Node] | None]:
        """The branches of an if or with, following `else if` / `else with` chains."""
        branches = [Branch(parse_pipe(first))]
        while True:
            branches[-1].body = self.block(("end", "else"))
            stopped = self.stopped
            if stopped == "end":
                return branches, None
            rest = stopped[len("else"):].strip()
            if not rest:
                otherwise = self.block(("end",))
                return branches, otherwise
            if rest.split(None, 1)[0] != keyword:
                raise GoSyntaxError(f"{{{{ {stopped} }}}} inside a {keyword} is not translated")
            branches.append(Branch(parse_pipe(rest[len(keyword):].strip())))


def parse_pipe(text: str) -> Pipe:
    """One pipeline, with its variable declaration if it has one."""
    tokens = tokenize(text)
    variables: list[str] = []
    assign = False
    for index, (kind, _) in enumerate(tokens):
        if kind in ("declare", "assign"):
            names = [v for k, v in tokens[:index] if k == "variable"]
            if names and all(k in ("variable", "comma") for k, _ in tokens[:index]):
                variables, assign, tokens = names, kind == "assign", tokens[index + 1:]
            break
    commands, rest = _commands(tokens)
    if rest:
        raise GoSyntaxError(f"unexpected {rest[0][1]!r} in {text!r}")
    if not commands:
        raise GoSyntaxError(f"empty pipeline in {{{{ {text} }}}}")
    return Pipe(tuple(commands), tuple(variables), assign)


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            raise GoSyntaxError(f"cannot read {text[pos:pos + 20]!r}")
        kind = match.lastgroup or ""
        if kind == "field" and tokens and tokens[-1][0] in ("variable", "close") \
                and text[pos - 1] not in " \t\r\n":
            kind = "chain"  # `$x.a` and `(f x).a`: a field of what stands just before it
        if kind != "space":
            tokens.append((kind, match.group(0)))
        pos = match.end()
    return tokens


def _commands(tokens: list[tuple[str, str]]) -> tuple[list[Command], list[tuple[str, str]]]:
    """Commands separated by '|', up to an unmatched ')' (returned as the rest)."""
    commands: list[Command] = []
    args: list[Operand] = []
    while tokens:
        kind = tokens[0][0]
        if kind == "close":
            break
        if kind == "pipe":
            if not args:
                raise GoSyntaxError("a pipe '|' with no command before it")
            commands.append(Command(tuple(args)))
            args, tokens = [], tokens[1:]
            continue
        operand, tokens = _operand(tokens)
        args.append(operand)
    if args:
        commands.append(Command(tuple(args)))
    return commands, tokens


def _operand(tokens: list[tuple[str, str]]) -> tuple[Operand, list[tuple[str, str]]]:
    kind, value = tokens[0]
    rest = tokens[1:]
    if kind == "open":
        commands, rest = _commands(rest)
        if not rest or rest[0][0] != "close":
            raise GoSyntaxError("a '(' is never closed")
        operand: Operand = SubPipe(Pipe(tuple(commands)))
        rest = rest[1:]
        if rest and rest[0][0] == "chain":
            operand = Field(_names(rest[0][1]), operand)
            rest = rest[1:]
        return operand, rest
    if kind == "variable":
        if rest and rest[0][0] == "chain":  # `$x.a`; `$x .a` is two arguments
            return Field(_names(rest[0][1]), Variable(value)), rest[1:]
        return Variable(value), rest
    if kind == "field":
        return Field(_names(value)), rest
    if kind == "dot":
        return Dot(), rest
    if kind == "ident":
        return _identifier(value), rest
    if kind in ("string", "raw", "char", "number"):
        return Literal(_literal(kind, value)), rest
    raise GoSyntaxError(f"unexpected {value!r}")


def _identifier(value: str) -> Operand:
    if value in ("true", "false"):
        return Literal(value == "true")
    if value == "nil":
        return Literal(None)
    return Function(value)


def _names(chain: str) -> tuple[str, ...]:
    return tuple(name for name in chain.split(".") if name)


def _literal(kind: str, value: str) -> object:
    if kind == "raw":
        return value[1:-1]
    if kind == "string":
        return value[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape") \
            if "\\" in value else value[1:-1]
    if kind == "char":
        inner = value[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        return ord(inner[0]) if inner else 0
    number = value.replace("_", "")
    if re.fullmatch(r"[-+]?0[xX][0-9a-fA-F]+", number):
        return int(number, 16)
    return float(number) if any(c in number for c in ".eE") else int(number)
