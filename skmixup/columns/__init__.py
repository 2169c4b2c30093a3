"""Column kinds: detect them, encode columns to arrays, decode mixed arrays back.

Mixing works on two numeric arrays: the *continuous* columns as float64
(``NaN`` = missing) and the *categorical* columns as integer codes
(``0 .. n_categories - 1``, ``-1`` = missing) of the smallest signed dtype
that holds every column's number of categories (``int8`` up to 127).  Each column gets one small
fitted handler with the same interface (``fit`` / ``encode`` / ``decode``),
and :class:`TableCodec` composes them for a whole table, returning the same
container, column labels and dtypes it was fitted on.

Detection (``categorical_features="auto"``)
-------------------------------------------

=========================================================  ===========  ====================================
dtype of the column                                        kind         encoded as
=========================================================  ===========  ====================================
float16/32/64, nullable ``Float32`` / ``Float64``          continuous   the values
int / uint of any width, nullable ``Int8`` .. ``UInt64``   continuous   the values
``datetime64``, naive or tz-aware, unit s / ms / us / ns   continuous   offset from the middle of the
                                                                        observed range, in that unit
``timedelta64``, any unit                                  continuous   offset, as for datetimes
object holding only numbers (ints and / or floats)         continuous   the values
bool, nullable ``boolean``                                 categorical  codes of the sorted values seen
``category`` (ordered or not)                              categorical  the dtype's own codes
string (``"str"``, ``"string"``)                           categorical  codes of the sorted values seen
object holding only strings (or only bytes, or bools)      categorical  codes of the sorted values seen
``period``, ``interval``                                   categorical  codes of the sorted values seen
=========================================================  ===========  ====================================

A numeric numpy array is therefore all-continuous (a bool array
all-categorical); an object array is typed column by column from its values,
and a string array is categorical.  A ``category`` column keeps every
category, used or not, their order and the ``ordered`` flag.  Other
categorical columns have as categories the distinct values seen in ``fit``,
sorted.

Sparse pandas columns are typed and mixed by their dense values and come
back with their ``SparseDtype``.

Missing values (``NaN``, ``None``, ``pd.NA``, ``NaT``) are allowed in every
kind and come back as the dtype's own missing value: ``NaN`` for numpy
floats, ``pd.NA`` for nullable dtypes, ``NaT`` for datetimes and, for object
columns, the first missing object seen in ``fit`` (an object column mixing
``None`` and ``NaN`` comes back with only one of them).

A column that is **entirely missing** is kept, not rejected: a float one is
continuous (all ``NaN``, ``observed_min``/``observed_max`` are ``NaN``), any
other one is categorical with zero categories (all codes ``-1``); both
decode to all-missing with their original dtype.

``categorical_features`` may instead list the categorical columns, as in
imbalanced-learn's ``SMOTENC`` (positions, a boolean mask or column names);
every column not listed must then be able to be continuous.
``column_kinds`` overrides single columns last.  Forcing a column
categorical always works (even an object column mixing strings and
numbers); forcing it continuous needs numbers, bools (mixed as 0/1),
datetimes or timedeltas.

Precision and decoding.  Continuous values are float64, so integers beyond
2**53 lose their last bits.  Datetimes and timedeltas are offsets from a
reference learned in ``fit``, which keeps every value exact as long as the
observed range spans less than 2**54 units (about 208 days in ns, 570 years
in us).  The mixer may extrapolate, so decoding rounds integer, bool and
datetime columns with ``np.rint`` and clips them to what the dtype can
represent (``uint8`` to [0, 255], bools to [0, 1], int64 to the largest
float64 below 2**63); float32 and float16 columns are clipped to their
finite range.

Rejected, with a ``TypeError`` / ``ValueError`` naming the column: complex
numbers, object columns mixing kinds of values (strings and numbers, say)
or holding other values (datetimes, decimals...), ``inf`` in
a continuous column, duplicate column labels, an empty table (0 rows or 0
columns), overrides naming a missing column or an unknown kind, ``encode``
input whose columns differ from ``fit`` or that holds unseen categories,
and ``decode`` input of the wrong shape or with codes out of range.

The caller's data is never modified: ``encode`` returns fresh arrays and
``decode`` fresh columns, sharing no memory with its input.
"""

from __future__ import annotations

from ._base import CATEGORICAL, CONTINUOUS, DROP, IDENTIFIER, KINDS, ColumnHandler
from .categorical import CategoricalHandler, CategoryDtypeHandler, DictionaryHandler
from .detect import column_handler, looks_like_identifier
from .floats import DecimalHandler, FloatHandler, ObjectNumberHandler
from .identifiers import DropHandler, IntegerIdentifierHandler, StringIdentifierHandler
from .integers import IntegerHandler, IntegerValuedHandler, ObjectIntegerHandler
from .table import TableCodec
from .temporal import DateHandler, DatetimeHandler, TimedeltaHandler, TimeHandler

__all__ = [
    "CATEGORICAL",
    "CONTINUOUS",
    "DROP",
    "IDENTIFIER",
    "KINDS",
    "CategoricalHandler",
    "CategoryDtypeHandler",
    "ColumnHandler",
    "DateHandler",
    "DatetimeHandler",
    "DecimalHandler",
    "DictionaryHandler",
    "DropHandler",
    "FloatHandler",
    "IntegerHandler",
    "IntegerIdentifierHandler",
    "IntegerValuedHandler",
    "ObjectIntegerHandler",
    "ObjectNumberHandler",
    "StringIdentifierHandler",
    "TableCodec",
    "TimeHandler",
    "TimedeltaHandler",
    "column_handler",
    "looks_like_identifier",
]
