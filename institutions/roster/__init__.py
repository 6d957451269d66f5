"""Roster import: institution admins add and update their people from an XLSX or CSV file.

``reading`` turns the bytes into numbered rows, ``columns`` knows the headers, ``checking`` works
out what each row would do (the dry run), ``services`` stores imports, checks and applies them,
and ``template`` builds the workbook admins fill in.
"""
