"""Column kinds: detect them, encode columns to arrays, decode mixed arrays back.

Mixing works on two numeric arrays: the *continuous* columns as float64
(``NaN`` = missing) and the *categorical* columns as integer codes
(``0 .. n_categories - 1``, ``-1`` = missing) of the smallest signed dtype
that holds every column's number of categories (``int8`` up to 127).  Each
column gets one small fitted handler with the same interface (``fit`` /
``encode`` / ``decode``), one module per kind, and :class:`TableCodec`
composes them for a whole table, returning the same container, column
labels and dtypes it was fitted on.  Columns may be numpy-backed or Arrow
(``pd.ArrowDtype``); polars frames and pyarrow tables reach the codec as
Arrow-backed pandas frames (:mod:`skmixup._frames`).

Detection (``categorical_features="auto"``)
-------------------------------------------

=========================================================  ===========  ====================================
dtype of the column (numpy, nullable or Arrow)             kind         encoded as
=========================================================  ===========  ====================================
float16/32/64, ``Float32`` / ``Float64``                   continuous   the values
int / uint of any width, ``Int8`` .. ``UInt64``            continuous   the values (offsets from the middle
                                                                        of the range beyond 2**53)
decimal (Arrow ``decimal128/256``, ``decimal.Decimal``)    continuous   the values as floats
``datetime64`` / Arrow ``timestamp``, any unit, any tz     continuous   offsets from the middle of the
                                                                        observed range, in that unit
``timedelta64`` / Arrow ``duration``, any unit             continuous   offsets, as for datetimes
Arrow ``date32`` / ``date64``, ``datetime.date`` objects   continuous   days (``date64``: ms, whole days)
Arrow ``time32`` / ``time64``                              continuous   counts of the unit since midnight
object holding only numbers (ints and / or floats)         continuous   the values
bool, ``boolean``, Arrow ``bool``                          categorical  codes of the sorted values seen
``category`` (ordered or not)                              categorical  the dtype's own codes
Arrow ``dictionary`` (polars ``Categorical`` / ``Enum``)   categorical  the dictionary's indices
string (``str``, ``string``, Arrow strings), binary        categorical  codes of the sorted values seen
object holding only strings (or only bytes, or bools)      categorical  codes of the sorted values seen
``period``, ``interval``, Arrow ``null``                   categorical  codes of the sorted values seen
=========================================================  ===========  ====================================

A numeric numpy array is therefore all-continuous (a bool array
all-categorical); an object array is typed column by column from its values,
and a string array is categorical.  A ``category`` column keeps every
category, used or not, their order and the ``ordered`` flag, as an Arrow
dictionary keeps its dictionary.  Other categorical columns have as
categories the distinct values seen in ``fit``, sorted.

**Identifiers** (the rule of :func:`looks_like_identifier`): a string column
with at least 20 values of which 95 % or more are distinct, or an integer
column with at least 20 values, all distinct, whose name says it is an
identifier (``id``, ``customer_id``, ``userId``, ``order_key``, ``uuid``...)
or whose values fill a dense range (``max - min + 1 <= 2 · count``, as row
numbers do), is an *identifier*: never mixed, and decoded as fresh values
that equal no real one (:mod:`skmixup.columns.identifiers`).  Floats,
bools and categories never are.

**Value grids** (``value_grids=True``).  Each continuous column learns the
grid its values lie on: integers; the fewest decimals (up to 12) that every
float has; the coarsest of days, hours, minutes, seconds, ms and us that
every datetime, timedelta or time has (on the wall clock of an aware
datetime's zone); the scale of a decimal.  Decoded values are rounded onto
it.  A grid column whose step ``s`` is coarse against its spread (the
``s**2 / 12`` that rounding adds to the variance is more than 0.5 % of it,
e.g. an integer column with fewer than about 15 levels) is *discrete*: it
takes the kept parent's value instead of a mix (see the user guide).

Sparse pandas columns are typed and mixed by their dense values and come
back with their ``SparseDtype``.

Missing values (``NaN``, ``None``, ``pd.NA``, ``NaT``, Arrow nulls) are
allowed in every kind and come back as the dtype's own missing value:
``NaN`` for numpy floats, ``pd.NA`` for nullable dtypes, ``NaT`` for
datetimes, null for Arrow (an Arrow float's NaN is read as missing and
comes back null) and, for object columns, the first missing object seen in
``fit`` (an object column mixing ``None`` and ``NaN`` comes back with only
one of them).

A column that is **entirely missing** is kept, not rejected: a float one is
continuous (all ``NaN``, ``observed_min``/``observed_max`` are ``NaN``), any
other one is categorical with zero categories (all codes ``-1``); both
decode to all-missing with their original dtype.

``categorical_features`` may instead list the categorical columns, as in
imbalanced-learn's ``SMOTENC`` (positions, a boolean mask or column names);
every column not listed must then be able to be continuous (no identifier
is detected then).  ``column_kinds`` overrides single columns last:
``"continuous"``, ``"categorical"``, ``"identifier"`` or ``"drop"`` (left
out of every decoded table).  Forcing a column categorical always works
(even an object column mixing strings and numbers); forcing it continuous
needs numbers, bools (mixed as 0/1), decimals, dates, times, datetimes or
timedeltas; an identifier must hold integers or strings.

**Precision and decoding.**  Continuous values are float64.
Integer-valued columns (integers, bools, every temporal kind) are offsets
from a reference in the middle of the observed range, exact as long as that
range spans fewer than 2**53 steps of the column's grid (a warning at
``fit`` says when it does not, e.g. nanosecond timestamps spanning more
than 104 days at nanosecond resolution); decoding rounds them onto the grid
exactly (in integer arithmetic) and clips them *exactly* to what the dtype
can represent (``uint8`` to [0, 255], bools to [0, 1], int64 to its ends,
datetimes to every int64 but NaT, less a day at each end for aware pandas
datetimes, whose wall clock must fit too).  float32 and float16 columns are
clipped to their finite range, decimals to their precision.  A value
copied from one parent (a weight of exactly one) decodes to that parent's
value bit for bit.

Rejected, with a ``TypeError`` / ``ValueError`` naming the column: complex
numbers, object columns mixing kinds of values (strings and numbers, say)
or holding other values (datetimes, ...), Python ints beyond int64, nested
Arrow types (lists, structs, maps), ``inf`` in a continuous column,
duplicate column labels, an empty table (0 rows or 0 columns), overrides
naming a missing column or an unknown kind, ``encode`` input whose columns
differ from ``fit`` or that holds unseen categories, and ``decode`` input of
the wrong shape or with codes out of range.

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
