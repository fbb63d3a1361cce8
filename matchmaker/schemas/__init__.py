"""One schema per resource (pydantic v2), from which validation, serialisation and the OpenAPI document come.

pydantic, not marshmallow: its JSON Schema is draft 2020-12, which *is* the schema language of OpenAPI
3.1, so the document is generated without a translation layer (apispec's) that could drift; the same
object validates the web form (after ``profile_from_form``), the API body and the CSV import.
"""
