"""Translate a Hugo shortcode (a Go template) into a Jinja shortcode template.

The common forms become plain Jinja: ``.Get 0`` / ``.Get "src"`` is ``arg(0)`` /
``arg("src")``, ``.Inner`` is ``inner``, ``if``/``with``/``range`` are ``if``/``for``,
``and``/``or``/``not``/``eq``... are operators, ``$x := ...`` is a namespace variable.
Other Go and Hugo functions are the `go` helpers of sitegen/render/gofuncs.py, and
fields of other values go through ``go.field`` (Hugo's names, case-insensitive). A file's
``define`` blocks become Jinja macros of (dot, _ret): ``template "x" .`` calls one, and
``partial "inline/x.html" .`` gets the value its ``return`` put in ``_ret``. Files are
resources through ``resources.Get`` and ``.Page.Resources.Get`` (render/bodies.py); images
are never processed. Anything else raises `Untranslatable`: the caller then writes a stub
for a person instead of a translation that would be wrong.

White space: Go's ``{{-``/``-}}`` trimming is applied to the text here; block tags are
written with Jinja's ``+`` where the environment's trim_blocks/lstrip_blocks would
otherwise remove white space Go keeps.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from sitegen.migrate.gotemplate import (
    Assign,
    Command,
    Define,
    Dot,
    Field,
    Function,
    GoSyntaxError,
    If,
    Literal,
    LoopControl,
    Node,
    Operand,
    Output,
    Pipe,
    Range,
    Return,
    SubPipe,
    TemplateCall,
    Text,
    Variable,
    With,
    parse_template,
)
from sitegen.render.gofuncs import FUNCTIONS, IMAGE_FILTERS


class Untranslatable(Exception):
    """The template needs a person: the message says which construct."""


SHORTCODE = "<shortcode>"  # what dot is at the top of a shortcode template
_BUILTIN_NAMES = frozenset({"and", "or", "not", "markdownify", "transform.markdownify", "site", "relurl", "rellangurl",
                            "urls.relurl", "urls.rellangurl", "absurl", "abslangurl", "urls.absurl",
                            "urls.abslangurl", "readfile", "os.readfile", "partial", "partials.include",
                            "partialcached", "partials.includecached", "hugo.version", "hugo.goversion",
                            "templates.current.name", "resources.get"})
# The Hugo version translated templates see as hugo.Version: the one this translation follows.
HUGO_VERSION = "0.168.0"
HUGO_GO_VERSION = "go1.27.2"  # hugo.GoVersion: the Go that built that Hugo (`hugo env`)
PARTIALS = ("partial", "partials.include", "partialcached", "partials.includecached")
_CONSTANTS = {"hugo.version": HUGO_VERSION, "hugo.goversion": HUGO_GO_VERSION,
              "templates.current.name": ""}  # "": the template's own name
_OPERATORS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
# Fields of Hugo's Page and Site with no equivalent at conversion time.
_UNSUPPORTED_FIELDS = frozenset({
    "scratch", "store", "parent", "ordinal", "rendershortcodes", "translations",
    "alltranslations", "paginator", "paginate", "gitinfo", "outputformats", "sites", "render",
    "renderstring", "file", "getpage", "menus", "home", "ancestors", "currentsection",
    "firstsection", "nextinsection", "previnsection", "next", "prev", "related", "fragments",
    "tableofcontents", "content", "truncated", "summary", "wordcount", "readingtime",
})
_SITE_FIELDS = {"title": "site.title", "baseurl": "site.base_url", "params": "site.extra",
                "data": "site.data", "languagecode": "site.language", "copyright": "site.copyright",
                "regularpages": "go.regular_pages(site)", "pages": "go.regular_pages(site)",
                "taxonomies": "go.taxonomies(site)", "sections": "site.sections",
                "menus": "site.menus"}
_PAGE_FIELDS = {"title": "page.title", "linktitle": "page.title", "date": "page.date",
                "lastmod": "page.lastmod", "publishdate": "page.publish_date",
                "description": "page.description", "draft": "page.draft", "slug": "page.slug",
                "keywords": "page.keywords", "weight": "page.weight", "params": "go.page_params(page)",
                "path": "go.field(hugo_page, 'Path')"}


@dataclass
class _Scope:
    dot: str  # Jinja expression for Go's dot here
    variables: dict[str, str] = field(default_factory=dict)  # "$x" -> Jinja expression


@dataclass
class _Translator:
    scopes: list[_Scope] = field(default_factory=lambda: [_Scope(SHORTCODE, {"$": SHORTCODE})])
    counter: int = 0
    namespace_used: bool = False
    out: list[str] = field(default_factory=list)
    name: str = ""  # the template's name, as templates.Current.Name gives it
    defines: dict[str, str] = field(default_factory=dict)  # `define "x"` -> its Jinja macro
    in_partial: bool = False  # translating an inline partial's define, where `return` is allowed
    returned: bool = False  # its `return` was reached: Go runs nothing after it

    # --- statements ------------------------------------------------------------------

    def nodes(self, nodes: list[Node]) -> None:
        for node in nodes:
            self.node(node)

    def node(self, node: Node) -> None:
        if self.returned:
            return
        if isinstance(node, Text):
            self.out.append(node.value.replace("{{", "{{ '{{' }}").replace("{%", "{{ '{%' }}")
                            .replace("{#", "{{ '{#' }}"))
        elif isinstance(node, Output):
            self.out.append("{{ " + self.pipe(node.pipe) + " }}")
        elif isinstance(node, Assign):
            self.assign(node)
        elif isinstance(node, If):
            self.if_(node)
        elif isinstance(node, With):
            self.with_(node)
        elif isinstance(node, Range):
            self.range_(node)
        elif isinstance(node, LoopControl):
            self.tag(node.word)
        else:
            self.named(node)

    def named(self, node: Define | TemplateCall | Return) -> None:
        """`template "x" .`, and `return` at the end of an inline partial."""
        if isinstance(node, Define):
            raise Untranslatable("{{ define }} inside a block")
        if isinstance(node, TemplateCall):
            macro = self.defines.get(node.name)
            if macro is None:
                raise Untranslatable(f"{{{{ template {node.name!r} }}}} names no define of this file")
            self.out.append("{{ " + f"{macro}({self.pipe(node.pipe) if node.pipe else 'none'})" + " }}")
            return
        if not self.in_partial or len(self.scopes) != 1:
            raise Untranslatable("{{ return }} other than at the end of an inline partial")
        self.tag(f"set _discard = _ret.update({{'value': {self.pipe(node.pipe) if node.pipe else 'none'}}})")
        self.returned = True

    def tag(self, text: str) -> None:
        self.out.append(_BlockTag(text))  # resolved in `render`

    def assign(self, node: Assign) -> None:
        name = node.pipe.variables[0]
        value = self.pipe(node.pipe)
        if node.pipe.assign:
            target = self.lookup(name)
            if not target.startswith("v."):
                raise Untranslatable(f"assigning to {name}, declared by with or range")
        else:
            target = "v." + _python_name(name)
            self.scopes[-1].variables[name] = target
        self.namespace_used = True
        self.tag(f"set {target} = {value}")

    def if_(self, node: If) -> None:
        for number, branch in enumerate(node.branches):
            self.tag(("if " if number == 0 else "elif ") + self.pipe(branch.pipe))
            self.scoped(branch.body, self.scopes[-1].dot)
        if node.otherwise is not None:
            self.tag("else")
            self.scoped(node.otherwise, self.scopes[-1].dot)
        self.tag("endif")

    def with_(self, node: With) -> None:
        """`with $x := p`: $x stays set (to the empty value) in the else branches, as Go's
        scope runs to the `end`, so an error message there may name it."""
        closes = 0
        declared: dict[str, str] = {}
        for number, branch in enumerate(node.branches):
            name = self.fresh("w")
            if number:
                self.tag("else")
            self.tag(f"set {name} = {self.pipe(branch.pipe)}")
            self.tag(f"if {name}")
            closes += 1
            declared.update({v: name for v in branch.pipe.variables})
            self.scoped(branch.body, name, dict(declared))
        if node.otherwise is not None:
            self.tag("else")
            self.scoped(node.otherwise, self.scopes[-1].dot, declared)
        for _ in range(closes):
            self.tag("endif")

    def range_(self, node: Range) -> None:
        pipe = node.pipe
        value = self.pipe(Pipe(pipe.commands))
        item = self.fresh("r")
        names: dict[str, str] = {}
        if len(pipe.variables) == 2:
            key = self.fresh("k")
            names = {pipe.variables[0]: key, pipe.variables[1]: item}
            self.tag(f"for {key}, {item} in go.pairs({value})")
        else:
            names = {pipe.variables[0]: item} if pipe.variables else {}
            self.tag(f"for {item} in go.items({value})")
        self.scoped(node.body, item, names)
        if node.otherwise is not None:
            self.tag("else")
            self.scoped(node.otherwise, self.scopes[-1].dot)
        self.tag("endfor")

    def scoped(self, body: list[Node], dot: str, names: dict[str, str] | None = None) -> None:
        self.scopes.append(_Scope(dot, dict(names or {})))
        self.nodes(body)
        self.scopes.pop()

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"_{prefix}{self.counter}"

    def lookup(self, name: str) -> str:
        for scope in reversed(self.scopes):
            if name in scope.variables:
                return scope.variables[name]
        raise Untranslatable(f"the variable {name} is used before it is set")

    # --- expressions -----------------------------------------------------------------

    def pipe(self, pipe: Pipe) -> str:
        value: str | None = None
        for command in pipe.commands:
            value = self.command(command, value)
        assert value is not None
        return value

    def command(self, command: Command, piped: str | None) -> str:
        head, *rest = command.args
        if isinstance(head, Function):
            self.check_function(head.name)
            args = [self.operand(a) for a in rest] + ([piped] if piped is not None else [])
            return self.function(head.name, args)
        if isinstance(head, Field) and (rest or piped is not None):
            args = [self.operand(a) for a in rest] + ([piped] if piped is not None else [])
            return self.call_field(head, args)
        if rest or piped is not None:
            raise Untranslatable("a value cannot be called with arguments")
        return self.operand(head)

    def check_function(self, name: str) -> None:
        """Refuse an unknown function before translating its arguments (the reason is clearer)."""
        lowered = name.lower()
        known = (lowered in FUNCTIONS or lowered in _OPERATORS or lowered in _BUILTIN_NAMES
                 or lowered.startswith(("site.", "hugo.data")) or _image_filter(lowered))
        if not known:
            raise Untranslatable(f"the function {name} has no equivalent")

    def function(self, name: str, args: list[str]) -> str:
        lowered = name.lower()
        if lowered.startswith(("site.", "hugo.data")):
            return self.root_chain(name, args)
        if lowered in _OPERATORS and len(args) == 2:
            return f"({args[0]} {_OPERATORS[lowered]} {args[1]})"
        if lowered in ("and", "or") and args:
            return "(" + f" {lowered} ".join(args) + ")"
        if lowered == "not" and len(args) == 1:
            return f"(not {args[0]})"
        if lowered in ("markdownify", "transform.markdownify") and len(args) == 1:
            return f"hugo_markdownify({args[0]})"
        special = self.context_function(lowered, args)
        if special is not None:
            return special
        target = FUNCTIONS.get(lowered)
        if target is None:
            raise Untranslatable(f"the function {name} has no equivalent")
        return f"go.{target}({', '.join(args)})"

    def context_function(self, lowered: str, args: list[str]) -> str | None:
        """Functions that read the build's context (site, page, project folder, partials)."""
        if lowered == "site" and not args:
            return "site"
        if lowered in PARTIALS and args and _inline_partial(args[0]) in self.defines:
            return f"go.partial_value({self.defines[_inline_partial(args[0])]}, {args[1] if len(args) > 1 else 'none'})"
        if lowered in PARTIALS and args:  # the partial is translated too (migrate/partials.py)
            return f"go_partial({args[0]}, {args[1] if len(args) > 1 else 'none'})"
        if lowered in _CONSTANTS and not args:
            return repr(_CONSTANTS[lowered] or self.name)
        if lowered == "resources.get" and len(args) == 1:  # a file of assets/ (render/bodies.py)
            return f"get_resource({args[0]})"
        if _image_filter(lowered):
            return f"go.image_filter({', '.join([repr(lowered[len('images.'):]), *args])})"
        if lowered in ("readfile", "os.readfile") and len(args) == 1:
            return f"read_file({args[0]})"  # confined to the project (render/file_reads.py)
        if lowered in ("relurl", "rellangurl", "urls.relurl", "urls.rellangurl") and len(args) == 1:
            return f"go.rel_url(site.base_url, {args[0]})"
        if lowered in ("absurl", "abslangurl", "urls.absurl", "urls.abslangurl") and len(args) == 1:
            return f"go.abs_url(site.base_url, {args[0]})"
        return None

    def root_chain(self, name: str, args: list[str]) -> str:
        """`site.Params.x` and `hugo.Data.x`, tokenised as one dotted name."""
        parts = name.split(".")
        if parts[0].lower() == "hugo":
            parts = ["site", *parts[1:]]
        if args and len(parts) == 2 and parts[1].lower() == "getpage" and len(args) == 1:
            return f"go.get_page(site, {args[0]})"
        if args:
            raise Untranslatable(f"{name} called with arguments")
        return self.site_field(parts[1:])

    def call_field(self, head: Field, args: list[str]) -> str:
        _check_resources(head.names)
        receiver = self.receiver(head)
        if receiver == SHORTCODE and head.names[0].lower() == "get" and len(head.names) == 1:
            if len(args) != 1:
                raise Untranslatable(".Get with other than one argument")
            return f"arg({args[0]})"
        if receiver == SHORTCODE and head.names[0].lower() == "page" and len(head.names) == 2 \
                and head.names[1].lower() == "param":
            return f"go.default(site.extra.get({args[0]}), page.param({args[0]}))"
        owner = [n.lower() for n in head.names[:-1]]
        if head.names[-1].lower() == "getpage" and len(args) == 1 and \
                receiver == SHORTCODE and owner in (["site"], ["page", "site"], ["page"]):
            return f"go.get_page(site, {args[0]})"
        target = self.chain(head, drop_last=True)
        return f"go.method({target}, {head.names[-1]!r}, {', '.join(args)})"

    def operand(self, operand: Operand) -> str:
        if isinstance(operand, Literal):
            return _literal(operand.value)
        if isinstance(operand, Dot):
            return self.dot_value(self.scopes[-1].dot)
        if isinstance(operand, Variable):
            return self.dot_value(self.lookup(operand.name))
        if isinstance(operand, Function):
            return self.function(operand.name, [])
        if isinstance(operand, SubPipe):
            return self.pipe(operand.pipe)
        return self.chain(operand)

    def dot_value(self, dot: str) -> str:
        return "shortcode" if dot == SHORTCODE else dot  # the shortcode as a value: go_partials.GoShortcode

    def receiver(self, chain: Field) -> str:
        if chain.receiver is None:
            return self.scopes[-1].dot
        if isinstance(chain.receiver, Variable):
            return self.lookup(chain.receiver.name)
        return self.operand(chain.receiver)

    def chain(self, chain: Field, drop_last: bool = False) -> str:
        _check_resources(chain.names)
        names = list(chain.names[:-1] if drop_last else chain.names)
        receiver = self.receiver(chain)
        if receiver == SHORTCODE:
            return self.shortcode_field(names)
        if not names:
            return receiver
        return f"go.field({receiver}, {', '.join(repr(n) for n in names)})"

    def shortcode_field(self, names: list[str]) -> str:
        if not names:
            return "shortcode"
        first, rest = names[0].lower(), names[1:]
        simple = {"inner": "(inner|safe)", "innerdeindent": "(inner|safe)", "name": "name",
                  "params": "_params", "isnamedparams": "(kwargs|length > 0)",
                  "position": "name", "scratch": "_scratch", "store": "_scratch"}
        if first in simple:
            return _chain_rest(simple[first], rest)
        if first == "page":
            return self.page_field(rest)
        if first == "site":
            return self.site_field(rest)
        if first in ("parent", "ordinal"):  # go_partials.GoShortcode
            return f"go.field(shortcode, {', '.join(repr(n) for n in names)})"
        raise Untranslatable(f".{names[0]} of a shortcode has no equivalent")

    def page_field(self, names: list[str]) -> str:
        if not names:
            return "hugo_page"  # the page as a value: go_partials.GoPage
        first = names[0].lower()
        if first == "site":
            return self.site_field(names[1:])
        if first in ("store", "scratch", "resources"):  # its store while it converts, its bundle's files
            return _chain_rest("hugo_page", names)
        if first in _UNSUPPORTED_FIELDS or first not in _PAGE_FIELDS:
            raise Untranslatable(f".Page.{names[0]} has no equivalent while pages are converted")
        return _chain_rest(_PAGE_FIELDS[first], names[1:])

    def site_field(self, names: list[str]) -> str:
        if not names:
            return "site"
        first = names[0].lower()
        if first not in _SITE_FIELDS:
            raise Untranslatable(f".Site.{names[0]} has no equivalent")
        return _chain_rest(_SITE_FIELDS[first], names[1:])


class _BlockTag(str):
    """A `{% ... %}` tag whose white-space modifiers depend on the text around it."""


def _chain_rest(base: str, names: list[str]) -> str:
    return f"go.field({base}, {', '.join(repr(n) for n in names)})" if names else base


def _python_name(variable: str) -> str:
    return "var_" + variable.lstrip("$") if variable.lstrip("$") else "root"


def _literal(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _check_resources(names: tuple[str, ...]) -> None:
    """A page's resources are found by name only (`.Resources.Get`): refuse the rest here,
    rather than a translation that fails on the first bundle page."""
    for index, name in enumerate(names[:-1]):
        if name.lower() == "resources" and names[index + 1].lower() != "get":
            raise Untranslatable(f".Resources.{names[index + 1]} has no equivalent (only .Resources.Get)")


def _image_filter(lowered: str) -> bool:
    return lowered.startswith("images.") and lowered[len("images."):] in IMAGE_FILTERS


def _inline_partial(argument: str) -> str:
    """The define an inline partial's call names: `partial "inline/x.html"` is the file's
    `define "_partials/inline/x.html"` (or "partials/...")."""
    if not argument.startswith(("'", '"')):
        return ""
    name = str(ast.literal_eval(argument)).lstrip("/")
    return "partial:" + (name if "." in name.rsplit("/", 1)[-1] else name + ".html")


def _define_key(name: str) -> str:
    for prefix in ("_partials/", "partials/"):
        if name.startswith(prefix):
            return _inline_partial(repr(name.removeprefix(prefix)))
    return name


def _macros(defines: list[Define], names: dict[str, str], template: str) -> list[str]:
    """Each define as a Jinja macro of (dot, _ret): `_ret` receives an inline partial's
    `return` value (gofuncs.partial_value)."""
    pieces: list[str] = []
    for define in defines:
        inner = _Translator(scopes=[_Scope("dot", {"$": "dot"})], name=template, defines=names,
                            in_partial=_define_key(define.name).startswith("partial:"))
        inner.nodes(define.body)
        pieces.append(_BlockTag(f"macro {names[_define_key(define.name)]}(dot, _ret=none)"))
        if inner.namespace_used:
            pieces.append(_BlockTag("set v = namespace()"))
        pieces.extend([*inner.out, _BlockTag("endmacro")])
    return pieces


def translate(source: str, partial: str = "") -> str:
    """The Jinja template for a Go shortcode, or for the partial named `partial` (where Go's
    dot is the variable `dot`: the value the partial was called with); raises Untranslatable
    (with the reason). The file's defines become macros, before the rest."""
    try:
        nodes = parse_template(source)
    except GoSyntaxError as exc:
        raise Untranslatable(str(exc)) from None
    defines = [node for node in nodes if isinstance(node, Define)]
    names = {_define_key(d.name): f"_define{number}" for number, d in enumerate(defines, 1)}
    names.update({d.name: names[_define_key(d.name)] for d in defines})  # `template` uses the full name
    translator = _Translator(name=partial, defines=names) if not partial else \
        _Translator(scopes=[_Scope("dot", {"$": "dot"})], name=partial, defines=names)
    translator.nodes([node for node in nodes if not isinstance(node, Define)])
    body = render(_macros(defines, names, partial) + translator.out)
    preamble = "{%- set _params = kwargs if kwargs else args -%}\n" if "_params" in body else ""
    if "_scratch" in body:  # the shortcode's own .Scratch: one per call, as Hugo's
        preamble += "{%- set _scratch = go.new_scratch() -%}\n"
    if translator.namespace_used:
        preamble += "{%- set v = namespace() -%}\n"
    return preamble + body


def render(pieces: list[str]) -> str:
    """Join text and tags; a tag keeps the white space beside it that Jinja would strip."""
    out: list[str] = []
    for index, piece in enumerate(pieces):
        if not isinstance(piece, _BlockTag):
            out.append(piece)
            continue
        before = "".join(out)
        line_start = before[before.rfind("\n") + 1:]
        left = "+" if line_start and not line_start.strip() else ""
        following = pieces[index + 1] if index + 1 < len(pieces) else ""
        right = "+" if not isinstance(following, _BlockTag) and following.startswith("\n") else ""
        out.append("{%" + left + " " + str(piece) + " " + right + "%}")
    return "".join(out)
