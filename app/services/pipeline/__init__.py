"""Active hiring: clients, jobs, their stages and stage templates, applications moving on the
board, rejection reasons and tasks.
"""
