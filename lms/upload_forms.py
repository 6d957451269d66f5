"""Wagtail's document form (``WAGTAILDOCS_DOCUMENT_FORM_BASE``) with the content check of
``lms.uploads``: a document whose content does not match its extension is not stored."""

from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm

from lms.uploads import check_document


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            check_document(upload)
        return upload
