"""Citations: one CSL-JSON record per article, and every format made from it.

`record` builds the record (the format reference managers exchange); `styles` formats it
as APA, Chicago notes-bibliography and MLA with citeproc-py and the official CSL styles;
`exports` writes BibTeX, RIS, CSL-JSON and COinS from it; `meta` lists the Highwire and
Dublin Core tags of an article's head; `downloads` plans the .bib/.ris/.json files.
"""
