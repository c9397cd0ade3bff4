"""Compute expected answers for the CDNOW blind question set and write cdnow_questions.yaml.
Run: cd /work/main && uv run python /work/blind/cdnow_answers.py
"""
import math
import pandas as pd
import yaml

RAW = '/work/blind/cdnow_raw.csv'
GBK = '/work/blind/CDNOW订单.csv'
OUT = '/work/blind/cdnow_questions.yaml'

r = pd.read_csv(RAW)
g = pd.read_csv(GBK, encoding='gbk')
g.columns = ['customer_id', 'date', 'number_of_cds', 'dollar_value']
g['date'] = g['date'].str.replace('-', '').astype(int)
assert (g.values == r.values).all(), 'layouts differ'

df = r.copy()
df['d'] = pd.to_datetime(df['date'].astype(str), format='%Y%m%d')
df['month'] = df['d'].dt.strftime('%Y-%m')

def rate(x):
    return round(float(x), 4)

def money(x):
    return round(float(x), 2)

A = {}
n_cust = df.customer_id.nunique()
A['customers'] = int(n_cust)
A['orders'] = int(len(df))
A['gmv'] = money(df.dollar_value.sum())
A['aov'] = money(df.dollar_value.sum() / len(df))
mrev = df.groupby('month').dollar_value.sum()
A['monthly'] = [[m, money(v)] for m, v in mrev.items()]
A['top_month'] = [[mrev.idxmax(), money(mrev.max())]]
spend = df.groupby('customer_id').dollar_value.sum().sort_values(ascending=False, kind='mergesort')
assert spend.iloc[4] != spend.iloc[5]
A['top5_spend'] = [[int(i), money(v)] for i, v in spend.head(5).items()]
cnt = df.groupby('customer_id').size().sort_values(ascending=False, kind='mergesort')
assert cnt.iloc[4] != cnt.iloc[5]
A['top5_orders'] = [[int(i), int(v)] for i, v in cnt.head(5).items()]
A['repeat_all'] = rate((cnt >= 2).sum() / n_cust)
d97 = df[df.d.dt.year == 1997]
c97 = d97.groupby('customer_id').size()
A['repeat_1997'] = rate((c97 >= 2).sum() / len(c97))
first = df.groupby('customer_id').d.min()
df['first'] = df.customer_id.map(first)
A['new_feb97'] = int((first.dt.strftime('%Y-%m') == '1997-02').sum())
A['new_may97'] = int((first.dt.strftime('%Y-%m') == '1997-05').sum())

def cohort_90(month, later_day_only):
    ids = first[first.dt.strftime('%Y-%m') == month].index
    sub = df[df.customer_id.isin(ids)].copy()
    sub['gap'] = (sub.d - sub['first']).dt.days
    if later_day_only:
        hit = sub[(sub.gap > 0) & (sub.gap <= 90)].customer_id.unique()
    else:
        win = sub[sub.gap <= 90].groupby('customer_id').size()
        hit = win[win >= 2].index
    return len(ids), len(hit), rate(len(hit) / len(ids))

A['feb_90_later'] = cohort_90('1997-02', True)
A['jan_90_any'] = cohort_90('1997-01', False)
A['jan_90_later_ref'] = cohort_90('1997-01', True)
A['feb_90_any_ref'] = cohort_90('1997-02', False)
last = df.groupby('customer_id').d.max()
asof = pd.Timestamp('1998-06-30')
A['silent180'] = int(((asof - last).dt.days > 180).sum())
asof2 = pd.Timestamp('1997-12-31')
last97 = df[df.d <= asof2].groupby('customer_id').d.max()
A['silent90_97'] = int(((asof2 - last97).dt.days > 90).sum())

def quarter(start, end):
    q = df[(df.d >= start) & (df.d <= end)]
    return [['orders', int(len(q))], ['revenue', money(q.dollar_value.sum())]]

A['q3_97'] = quarter('1997-07-01', '1997-09-30')
A['q1_98'] = quarter('1998-01-01', '1998-03-31')
A['zero_orders'] = int((df.dollar_value == 0).sum())
A['cds_per_order'] = round(float(df.number_of_cds.sum() / len(df)), 4)
A['once'] = int((cnt == 1).sum())
k = math.ceil(0.1 * n_cust)
A['top10_k'] = k
A['top10_share'] = rate(spend.head(k).sum() / spend.sum())
A['top10_share_floor_ref'] = rate(spend.head(int(0.1 * n_cust)).sum() / spend.sum())
A['mom_9704'] = rate(mrev['1997-04'] / mrev['1997-03'] - 1)
A['mom_9803'] = rate(mrev['1998-03'] / mrev['1998-02'] - 1)
A['first_q1_97'] = int(((first >= '1997-01-01') & (first <= '1997-03-31')).sum())
days = df.groupby('customer_id').date.nunique()
A['repeat_days'] = rate((days >= 2).sum() / n_cust)
A['arpu'] = money(spend.sum() / n_cust)
h2 = df[(df.d >= '1997-07-01') & (df.d <= '1997-12-31')]
A['active_h2_97'] = int(h2.customer_id.nunique())
A['zero_spend_customers_ref'] = int((spend == 0).sum())

for kk, v in A.items():
    print(kk, v)

ZERO = 'Zero-amount orders (8 rows) are kept as orders and add 0 to revenue.'
Q = [
 ('raw', 'zh', '这份订单数据里一共有多少个下过单的客户？', A['customers'],
  'Distinct customer_id over all 6,919 rows (1997-01-01..1998-06-30 inclusive). Every order counts as a purchase, so the 8 customers whose only orders are $0 are included.', 0),
 ('gbk', 'en', 'How many orders do we have in total?', A['orders'],
  'Row count; each row is one order. ' + ZERO + ' Same-customer same-day rows are separate orders (223 such extra rows).', 0),
 ('raw', 'en', "What's our total GMV for the whole period?", A['gmv'],
  'Sum of dollar_value over all rows, 1997-01-01..1998-06-30 inclusive. ' + ZERO, 0.01),
 ('gbk', 'zh', '平均每笔订单金额（AOV）是多少？', A['aov'],
  'Total revenue / number of orders (all 6,919 rows, including the 8 zero-amount orders in the denominator).', 0.01),
 ('raw', 'zh', '按月列一下每个月的销售额。', A['monthly'],
  'Group by calendar month of the order date (yyyy-mm), sum dollar_value; 18 months 1997-01..1998-06. ' + ZERO, 0.01),
 ('gbk', 'en', 'Which month had the highest revenue, and how much was it?', A['top_month'],
  'Monthly sum of dollar_value by calendar month of order date; argmax month and its revenue.', 0.01),
 ('raw', 'en', 'Who are our top 5 customers by total spend? Give their IDs and how much each spent.', A['top5_spend'],
  'Sum dollar_value per customer_id over all data, sort descending, first 5 (no tie at rank 5/6).', 0.01),
 ('gbk', 'zh', '下单次数最多的前5位客户是谁？分别下了多少单？', A['top5_orders'],
  'Count rows (orders) per customer over all data, including zero-amount and same-day orders; sort descending, first 5. Ranks 3 and 4 are tied at 47 orders (either order is fine); no tie at rank 5/6 (46 vs 42).', 0),
 ('raw', 'zh', '整体复购率是多少？就是下过2单及以上的客户占全部客户的比例。', A['repeat_all'],
  'Customers with >=2 orders (rows) over all data / all 2,357 customers. Same-day multiple orders count as multiple orders; zero-amount orders count as orders. Fraction (x100 for percent).', 0.005),
 ('gbk', 'en', 'What was the repeat-purchase rate within 1997 alone? Among customers who ordered in 1997, what share placed 2 or more orders during 1997?', A['repeat_1997'],
  'Restrict to orders dated 1997-01-01..1997-12-31 inclusive; denominator = distinct customers with >=1 order in 1997 (all 2,357), numerator = those with >=2 orders (rows) in 1997. Fraction.', 0.005),
 ('raw', 'en', 'How many new customers did we get in February 1997, i.e. people whose first ever purchase was that month?', A['new_feb97'],
  'Customers whose earliest order date is in 1997-02-01..1997-02-28 inclusive.', 0),
 ('gbk', 'zh', '1997年2月的新客里，有多大比例在首单后90天内又买了一次？只算首单日之后另一天下的单，首单当天的多笔订单不算复购。', A['feb_90_later'][2],
  'Cohort = customers whose first order date is in 1997-02 (%d). Repurchased = has an order dated strictly after the first-order date and at most 90 days after it (0 < days <= 90). %d / %d. (Any-second-order variant incl. same day would be %d / %d = %s.) Fraction; tight tolerance so the two counting rules are distinguishable.' % (A['feb_90_later'][0], A['feb_90_later'][1], A['feb_90_later'][0], A['feb_90_any_ref'][1], A['feb_90_any_ref'][0], A['feb_90_any_ref'][2]), 0.001),
 ('raw', 'zh', '1997年1月新客的90天复购率是多少？这里只要首单后90天内（包括首单当天）出现第二笔订单就算复购。', A['jan_90_any'][2],
  'Cohort = customers whose first order date is in 1997-01 (%d). Repurchased = at least 2 orders (rows) dated within 0..90 days of the first-order date inclusive, so a second order on the same day counts. %d / %d. (Later-day-only variant would be %d / %d = %s.) Fraction; tight tolerance so the two counting rules are distinguishable.' % (A['jan_90_any'][0], A['jan_90_any'][1], A['jan_90_any'][0], A['jan_90_later_ref'][1], A['jan_90_later_ref'][0], A['jan_90_later_ref'][2]), 0.001),
 ('gbk', 'en', 'As of 1998-06-30, how many customers have gone more than 180 days without buying anything?', A['silent180'],
  'Last order date per customer; count customers with (1998-06-30 - last_date) > 180 days, i.e. last order on or before 1997-12-31 (no order 1998-01-01..1998-06-30). Zero-amount orders count as purchases.', 0),
 ('raw', 'en', 'Using only orders up to 1997-12-31, how many customers had not purchased for more than 90 days as of that date?', A['silent90_97'],
  'Orders dated <= 1997-12-31; last order date per customer; count customers with (1997-12-31 - last_date) > 90 days, i.e. last order on or before 1997-10-01. Zero-amount orders count as purchases.', 0),
 ('gbk', 'zh', '1997年第三季度一共有多少笔订单、销售额多少？', A['q3_97'],
  'Orders dated 1997-07-01..1997-09-30 inclusive: row count and sum of dollar_value. ' + ZERO, 0.01),
 ('raw', 'zh', '有多少笔订单的金额是0？', A['zero_orders'],
  'Rows with dollar_value == 0.', 0),
 ('gbk', 'en', 'On average how many CDs are in one order?', A['cds_per_order'],
  'Sum of number_of_cds / number of orders (all 6,919 rows, including zero-amount orders).', 0.01),
 ('raw', 'en', 'How many customers only ever bought once?', A['once'],
  'Customers with exactly 1 order (row) over all data. Customers with 2 orders on the same day are not one-time buyers.', 0),
 ('gbk', 'zh', '消费金额排名前10%的客户贡献了多少比例的销售额？', A['top10_share'],
  'Per-customer total spend over all data, sorted descending; top 10%% = ceil(0.1 x 2,357) = %d customers; their spend / total revenue. (Using 235 customers gives %s; both within tolerance.) Fraction.' % (A['top10_k'], A['top10_share_floor_ref']), 0.005),
 ('raw', 'zh', '1997年4月的销售额环比3月变化了多少？', A['mom_9704'],
  'revenue(1997-04) / revenue(1997-03) - 1, calendar months by order date. Fraction; negative = decline (x100 for percent).', 0.005),
 ('gbk', 'en', 'How many customers placed their first order in Q1 1997?', A['first_q1_97'],
  'Customers whose earliest order date is in 1997-01-01..1997-03-31 inclusive (this is every customer in the file).', 0),
 ('raw', 'en', 'How many new customers did we acquire in May 1997?', A['new_may97'],
  'Customers whose earliest order date is in 1997-05-01..1997-05-31. The file is a Q1-1997 acquisition cohort, so no customer has a first order after 1997-03.', 0),
 ('gbk', 'zh', '1998年一季度的订单数和销售额分别是多少？', A['q1_98'],
  'Orders dated 1998-01-01..1998-03-31 inclusive: row count and sum of dollar_value. ' + ZERO, 0.01),
 ('raw', 'zh', '如果按购买日期算，在两个及以上不同日期买过东西的客户占比是多少？', A['repeat_days'],
  'Customers with >=2 distinct order dates over all data / all 2,357 customers (several orders on one day count as one purchase day). Fraction.', 0.005),
 ('gbk', 'en', 'What was the month-over-month change in revenue for March 1998?', A['mom_9803'],
  'revenue(1998-03) / revenue(1998-02) - 1, calendar months by order date. Fraction (x100 for percent).', 0.005),
 ('raw', 'en', 'What is the average spend per customer over the whole period?', A['arpu'],
  'Total revenue / all 2,357 customers (including the 8 customers whose only orders are $0).', 0.01),
 ('gbk', 'zh', '1997年下半年有多少个客户至少下过一单？', A['active_h2_97'],
  'Distinct customers with >=1 order dated 1997-07-01..1997-12-31 inclusive (zero-amount orders count).', 0),
]

items = []
for i, (layout, lang, q, exp, defi, tol) in enumerate(Q, 1):
    assert layout == ('raw' if i % 2 else 'gbk')
    items.append({'id': 'c-%02d' % i, 'layout': layout, 'q': q, 'lang': lang,
                  'expected': exp, 'definition': defi, 'tolerance': tol})
assert sum(x['lang'] == 'zh' for x in items) == sum(x['lang'] == 'en' for x in items)

class D(yaml.SafeDumper):
    pass

def flow_list(dumper, data):
    return dumper.represent_sequence('tag:yaml.org,2002:seq', data,
                                     flow_style=all(isinstance(x, (int, float, str)) for x in data))
D.add_representer(list, flow_list)

header = ('# CDNOW blind question set (answers computed by /work/blind/cdnow_answers.py with pandas).\n'
          '# layout raw = cdnow_raw.csv (customer_id,date yyyymmdd,number_of_cds,dollar_value);\n'
          '# layout gbk = CDNOW订单.csv (GBK; 用户ID,购买日期 yyyy-mm-dd,购买CD数量,消费金额). Same 6,919 rows.\n'
          '# One row = one order; all orders paid; 8 zero-amount orders are kept as orders and add 0 to spend.\n'
          '# Rates are fractions (0.xx); tolerance is absolute.\n')
with open(OUT, 'w', encoding='utf-8') as f:
    f.write(header)
    yaml.dump(items, f, Dumper=D, allow_unicode=True, sort_keys=False, width=1000)
print('wrote', len(items))
