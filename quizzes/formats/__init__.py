"""Question files in the formats trainers already have: Qihang's XLSX template, GIFT, Aiken,
Moodle XML and QTI. Each format module parses bytes into ``ImportedQuestion``s (with the line or
row each starts on) and writes ``ExportedQuestion``s back; ``quizzes.services.imports`` checks
and stores them atomically. See ``base`` for the contract every format keeps."""
