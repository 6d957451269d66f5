"""The workbook admins fill in: Chinese headers, an example row, a drop-down for 人员类别, and
a second sheet with the institution codes the admin may use."""

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from institutions.selectors import administered_institutions

from .columns import COLUMNS, STAFF_CATEGORY_LABELS

CODES_SHEET = "单位编码"


def roster_template(*, admin) -> bytes:
    institutions = list(administered_institutions(admin).order_by("path"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人员名单"
    bold = Font(bold=True)
    shade = PatternFill("solid", fgColor="F3E9DC")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font, cell.fill = bold, shade
        cell.comment = Comment(("必填。" if column.required else "") + str(column.help), "启航")
        sheet.column_dimensions[cell.column_letter].width = max(12, len(column.header) * 3)
    example_code = institutions[0].code if institutions else "jc-donghu-mz"
    example = [
        "张三",
        "13800138000",
        "zhangsan@example.com",
        example_code,
        "社会工作者",
        "一线社工",
        "2024-09-01",
        "",
    ]
    for index, value in enumerate(example, start=1):
        sheet.cell(row=2, column=index, value=value)
    sheet["A2"].comment = Comment("示例行：导入前请删除或替换为真实人员。", "启航")
    for index, column in enumerate(COLUMNS, start=1):
        if column.key in ("phone", "supervisor_phone", "hire_date"):
            # Text columns: Excel keeps long numbers and dates as typed. Set on the column, not
            # on empty cells, so that the sheet has no rows below the example.
            sheet.column_dimensions[
                sheet.cell(row=1, column=index).column_letter
            ].number_format = "@"
        if column.key == "staff_category":
            letter = sheet.cell(row=1, column=index).column_letter
            choices = DataValidation(
                type="list",
                formula1='"{}"'.format(",".join(STAFF_CATEGORY_LABELS)),
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="人员类别",
                error="请从列表中选择人员类别。",
            )
            choices.add(f"{letter}2:{letter}20001")
            sheet.add_data_validation(choices)
    sheet.freeze_panes = "A2"

    codes = workbook.create_sheet(CODES_SHEET)
    for index, header in enumerate(("单位编码", "单位名称"), start=1):
        cell = codes.cell(row=1, column=index, value=header)
        cell.font, cell.fill = bold, shade
    for row, institution in enumerate(institutions, start=2):
        codes.cell(row=row, column=1, value=institution.code)
        codes.cell(row=row, column=2, value=institution.name)
    codes.column_dimensions["A"].width = 28
    codes.column_dimensions["B"].width = 36

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
