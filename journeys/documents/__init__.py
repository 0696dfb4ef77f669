"""Documents: writing files that people open outside the app, safely and in house style.

- ``csv_safe``: CSV for German Excel (semicolons, decimal comma, UTF-8 with BOM), every
  text cell that starts like a formula neutralised (CSV injection);
- ``docx_parts``: the Word house style (Arial 11, bold black headings, shaded table
  headings, page numbers in the footer) and its table and field primitives;
- ``markdown``: user text escaped as literal Markdown.

The committee report (``barriers.report.formats``), the workshop summary, the audit log
and the event log all write through these, so one rule holds for every file.
"""
