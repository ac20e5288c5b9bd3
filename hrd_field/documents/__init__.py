"""Documents HRD Field writes for people to read or print: PDF reports and letters.

Rendered with Qt's text engine (QtGui, no widgets), so the command line can write them too.
"""
